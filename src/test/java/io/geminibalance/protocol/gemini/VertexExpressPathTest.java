package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Vertex Express allow-list: express mode's model methods, in both spellings, and nothing else. */
class VertexExpressPathTest {
  private static final String PREFIX = "/vertex-express/v1beta/";

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      GET  | models                                                            | /models
      GET  | models/gemini-2.5-flash                                           | /models/gemini-2.5-flash
      POST | models/gemini-2.5-flash:generateContent                           | /models/gemini-2.5-flash:generateContent
      POST | models/gemini-2.5-flash:streamGenerateContent                     | /models/gemini-2.5-flash:streamGenerateContent
      POST | models/gemini-2.5-flash:countTokens                               | /models/gemini-2.5-flash:countTokens
      POST | publishers/google/models/gemini-2.5-flash:generateContent         | /models/gemini-2.5-flash:generateContent
      POST | publishers/google/models/gemini-2.5-pro:streamGenerateContent     | /models/gemini-2.5-pro:streamGenerateContent
      POST | publishers/google/models/gemini-2.5-flash-lite:countTokens        | /models/gemini-2.5-flash-lite:countTokens
      """)
  void allowedFormsGoUpstreamBelowTheVertexBase(String method, String resource, String upstream) {
    String path = switch (parse(method, resource)) {
      case NativePath.ModelList list -> list.upstreamPath();
      case NativePath.Model model -> model.upstreamPath();
      case NativePath.ModelMethod call -> call.upstreamPath();
      case NativePath.Resource item -> throw new AssertionError("a resource: " + item);
      case NativePath.Rejected rejected -> throw new AssertionError("rejected: " + rejected);
    };
    assertThat(path).isEqualTo(upstream);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      POST | models/gemini-embedding-001:embedContent                    | 404
      POST | models/text-embedding-004:batchEmbedContents                | 404
      POST | publishers/google/models/text-embedding-004:embedContent    | 404
      POST | models/imagen-4.0-generate-001:predict                      | 404
      GET  | models/gemini-2.5-flash:generateContent                     | 404
      GET  | publishers/google/models                                    | 404
      GET  | publishers/google/models/gemini-2.5-flash                   | 404
      POST | publishers/other/models/gemini-2.5-flash:generateContent    | 404
      POST | publishers/google/gemini-2.5-flash:generateContent          | 404
      POST | projects/p/locations/l/publishers/google/models/m:generateContent | 404
      POST | files                                                       | 404
      POST | models/../models/x:generateContent                          | 400
      POST | models/a%2Fb:generateContent                                | 400
      POST | publishers/google/models/bad%20name:generateContent         | 400
      """)
  void everythingElseIsRefused(String method, String resource, int status) {
    NativePath parsed = parse(method, resource);
    assertThat(parsed).isInstanceOfSatisfying(NativePath.Rejected.class, rejected -> {
      assertThat(rejected.status()).isEqualTo(status);
      assertThat(rejected.message()).isNotBlank();
    });
  }

  private static NativePath parse(String method, String resource) {
    String path = PREFIX + resource;
    return VertexExpressPath.parse(method, path, PREFIX.length());
  }
}
