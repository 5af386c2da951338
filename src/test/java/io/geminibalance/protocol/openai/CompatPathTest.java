package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every form {@code /openai/v1} accepts or refuses. */
class CompatPathTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      POST | chat/completions                | /openai/chat/completions
      POST | embeddings                      | /openai/embeddings
      POST | images/generations              | /openai/images/generations
      POST | audio/speech                    | /openai/audio/speech
      GET  | models                          | /openai/models
      GET  | models/gemini-2.5-flash         | /openai/models/gemini-2.5-flash
      GET  | models/models/gemini-2.5-flash  | /openai/models/models/gemini-2.5-flash
      """)
  void allowedFormsGoUpstream(String method, String resource, String upstream) {
    String path = switch (parse(method, resource)) {
      case CompatPath.ModelList list -> list.upstreamPath();
      case CompatPath.Model model -> model.upstreamPath();
      case CompatPath.Post post -> post.upstreamPath();
      case CompatPath.Rejected rejected -> throw new AssertionError("rejected: " + rejected);
    };
    assertThat(path).isEqualTo(upstream);
  }

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      GET  | models/../files                | 400 | invalid_path  |       | Path segment '..' is not allowed
      GET  | models/%2e%2e/files            | 400 | invalid_path  |       | An encoded '.' (%2E) in the path is not allowed
      GET  | models/a%2Fb                   | 400 | invalid_path  |       | An encoded '/' (%2F) in the path is not allowed
      POST | chat//completions              | 400 | invalid_path  |       | Empty path segment
      POST | chat/completions/../embeddings | 400 | invalid_path  |       | Path segment '..' is not allowed
      GET  | models/gemini%3Fx              | 400 | invalid_model | model | Invalid model name: 'gemini%3Fx' has the percent-encoded character '%3F' at position 7
      GET  | models/gemini@1                | 400 | invalid_model | model | Invalid model name: 'gemini@1' has '@' at position 7
      GET  | models/models/-x               | 400 | invalid_model | model | Invalid model name: '-x' has '-' at position 1
      GET  | files                          | 404 | unknown_url   |       | Unknown endpoint: GET /openai/v1/files
      GET  | models/a/b                     | 404 | unknown_url   |       | Unknown endpoint: GET /openai/v1/models/a/b
      GET  | chat/completions               | 404 | unknown_url   |       | Unknown endpoint: GET /openai/v1/chat/completions
      POST | models                         | 404 | unknown_url   |       | Unknown endpoint: POST /openai/v1/models
      POST | files                          | 404 | unknown_url   |       | Unknown endpoint: POST /openai/v1/files
      POST | responses                      | 404 | unknown_url   |       | Unknown endpoint: POST /openai/v1/responses
      POST | ""                             | 404 | unknown_url   |       | Unknown endpoint: POST /openai/v1/
      """)
  void refusedForms(String method, String resource, int status, String code, String param, String message) {
    CompatPath parsed = parse(method, resource);
    assertThat(parsed).isInstanceOf(CompatPath.Rejected.class);
    CompatPath.Rejected rejected = (CompatPath.Rejected) parsed;
    assertThat(rejected.status()).isEqualTo(status);
    assertThat(rejected.code()).isEqualTo(code);
    assertThat(rejected.param()).isEqualTo(param);
    assertThat(rejected.message()).startsWith(message);
  }

  @Test
  void aModelIdIsEncodedIntoTheForwardedPath() {
    assertThat(new CompatPath.Model("a/b").upstreamPath()).isEqualTo("/openai/models/a%2Fb");
    assertThat(new CompatPath.Model("models/a?b").upstreamPath()).isEqualTo("/openai/models/models/a%3Fb");
  }

  /**
   * Parses {@code resource} as the gate does, from its index in a whole raw path, and checks that
   * the answer is the one for the resource alone.
   */
  private static CompatPath parse(String method, String resource) {
    CompatPath alone = CompatPath.parse(method, resource);
    String path = "/openai/v1/" + resource;
    assertThat(CompatPath.parse(method, path, path.length() - resource.length())).as(path).isEqualTo(alone);
    return alone;
  }
}
