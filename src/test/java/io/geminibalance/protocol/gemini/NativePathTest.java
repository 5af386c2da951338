package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every form the native path parser accepts or refuses, on raw paths below the version prefix. */
class NativePathTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      GET  | models                                                   | /models
      GET  | models/gemini-2.5-flash                                  | /models/gemini-2.5-flash
      GET  | models/gemini-2.5-flash-preview-05-20                    | /models/gemini-2.5-flash-preview-05-20
      GET  | models/imagen-4.0-generate-001                           | /models/imagen-4.0-generate-001
      GET  | models/gemini_exp_1206                                   | /models/gemini_exp_1206
      POST | models/gemini-2.5-flash:generateContent                  | /models/gemini-2.5-flash:generateContent
      POST | models/gemini-2.5-flash:streamGenerateContent            | /models/gemini-2.5-flash:streamGenerateContent
      POST | models/gemini-2.5-flash-lite:countTokens                 | /models/gemini-2.5-flash-lite:countTokens
      POST | models/gemini-embedding-001:embedContent                 | /models/gemini-embedding-001:embedContent
      POST | models/text-embedding-004:batchEmbedContents             | /models/text-embedding-004:batchEmbedContents
      POST | models/learnlm-2.0-flash-experimental:generateContent    | /models/learnlm-2.0-flash-experimental:generateContent
      POST | models/gemini-2.5-flash-search-non-thinking:generateContent | /models/gemini-2.5-flash-search-non-thinking:generateContent
      POST | models/GEMINI-2.5-Flash:generateContent                  | /models/GEMINI-2.5-Flash:generateContent
      """)
  void allowedFormsGoUpstreamOnTheSamePath(String method, String resource, String upstream) {
    NativePath parsed = parse(method, resource);
    String path = switch (parsed) {
      case NativePath.ModelList list -> list.upstreamPath();
      case NativePath.Model model -> model.upstreamPath();
      case NativePath.ModelMethod call -> call.upstreamPath();
      case NativePath.Resource item -> item.upstreamPath();
      case NativePath.Rejected rejected -> throw new AssertionError("rejected: " + rejected);
    };
    assertThat(path).isEqualTo(upstream);
  }

  @Test
  void partsAreSplitOut() {
    assertThat(parse("POST", "models/gemini-2.5-pro:streamGenerateContent"))
        .isEqualTo(new NativePath.ModelMethod("gemini-2.5-pro", GeminiMethod.STREAM_GENERATE_CONTENT));
    assertThat(parse("GET", "models/gemini-2.5-pro")).isEqualTo(new NativePath.Model("gemini-2.5-pro"));
    assertThat(parse("GET", "models")).isSameAs(NativePath.MODEL_LIST);
    assertThat(GeminiMethod.STREAM_GENERATE_CONTENT.streaming()).isTrue();
    assertThat(GeminiMethod.GENERATE_CONTENT.streaming()).isFalse();
  }

  @ParameterizedTest(name = "{0} {1} -> 400 {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      GET  | models/../files                          | path  | Path segment '..' is not allowed
      GET  | ../files                                 | path  | Path segment '..' is not allowed
      POST | models/../../v1/files:generateContent    | path  | Path segment '..' is not allowed
      GET  | models/./gemini-2.5-flash                | path  | Path segment '.' is not allowed
      GET  | models/.                                 | path  | Path segment '.' is not allowed
      GET  | models/%2e%2e/files                      | path  | An encoded '.' (%2E) in the path is not allowed
      GET  | models/%2E%2E/files                      | path  | An encoded '.' (%2E) in the path is not allowed
      GET  | models/.%2e                              | path  | An encoded '.' (%2E) in the path is not allowed
      GET  | models/gemini-2.5%2Eflash                | path  | An encoded '.' (%2E) in the path is not allowed
      POST | models/a%2Fb:generateContent             | path  | An encoded '/' (%2F) in the path is not allowed
      POST | models/a%2fb:generateContent             | path  | An encoded '/' (%2F) in the path is not allowed
      POST | models/..%2F..%2Ffiles:generateContent   | path  | An encoded '/' (%2F) in the path is not allowed
      POST | models/a%5Cb:generateContent             | path  | An encoded '\\' (%5C) in the path is not allowed
      POST | models/a%5cb:generateContent             | path  | An encoded '\\' (%5C) in the path is not allowed
      POST | models/a\\b:generateContent              | path  | A backslash in the path is not allowed
      GET  | models//gemini-2.5-flash                 | path  | Empty path segment
      GET  | /models                                  | path  | Empty path segment
      GET  | models/                                  | path  | Empty path segment
      POST | models/gemini-2.5-flash:generateContent/ | path  | Empty path segment
      POST | models/a%00b:generateContent             | path  | An encoded control character (%00) in the path is not allowed
      POST | models/a%0d%0ab:generateContent          | path  | An encoded control character (%0d) in the path is not allowed
      POST | models/a%7Fb:generateContent             | path  | An encoded control character (%7F) in the path is not allowed
      POST | models/a%zzb:generateContent             | path  | Malformed percent-encoding in the path
      POST | models/a%2:generateContent               | path  | Malformed percent-encoding in the path
      POST | models/a%                                | path  | Malformed percent-encoding in the path
      POST | models/%20gemini:generateContent         | model | Invalid model name in path: '%20gemini' has the percent-encoded character '%20' at position 1
      POST | models/gemini%3Fx:generateContent        | model | Invalid model name in path: 'gemini%3Fx' has the percent-encoded character '%3F' at position 7
      POST | models/gemini%23x:generateContent        | model | Invalid model name in path: 'gemini%23x' has the percent-encoded character '%23' at position 7
      POST | models/gemini#x:generateContent          | model | Invalid model name in path: 'gemini#x' has '#' at position 7
      POST | models/g%C3%A9mini:generateContent       | model | has the percent-encoded character '%C3' at position 2
      POST | models/:generateContent                  | model | Invalid model name in path: the name is empty
      POST | models/-gemini:generateContent           | model | '-gemini' has '-' at position 1
      POST | models/.hidden:generateContent           | model | '.hidden' has '.' at position 1
      GET  | models/gemini@001                        | model | 'gemini@001' has '@' at position 7
      """)
  void malformedPathsAre400(String method, String resource, String field, String message) {
    NativePath parsed = parse(method, resource);
    assertThat(parsed).isInstanceOf(NativePath.Rejected.class);
    NativePath.Rejected rejected = (NativePath.Rejected) parsed;
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.field()).isEqualTo(field);
    assertThat(rejected.message()).contains(message);
  }

  @Test
  void rawControlSpaceAndNonAsciiCharactersAre400() {
    for (String resource : new String[] {"models/a b:generateContent", "models/a\tb:generateContent",
        "models/a\rb:generateContent", "models/a\u0000b:generateContent", "models/g\u00e9mini:generateContent",
        "models/g\u00c3\u00a9mini:generateContent", "models/a\u007fb:generateContent"}) {
      NativePath parsed = parse("POST", resource);
      assertThat(parsed).as(resource).isInstanceOf(NativePath.Rejected.class);
      NativePath.Rejected rejected = (NativePath.Rejected) parsed;
      assertThat(rejected.status()).as(resource).isEqualTo(400);
      assertThat(rejected.message()).as(resource).matches("Character U\\+[0-9A-F]{4} in the path is not allowed");
    }
  }

  @Test
  void modelNamesLongerThanTheCapAre400AndQuotedOnlyInPart() {
    String longest = "m" + "x".repeat(ModelIdSyntax.MAX_LENGTH - 1);
    assertThat(parse("POST", "models/" + longest + ":generateContent"))
        .isEqualTo(new NativePath.ModelMethod(longest, GeminiMethod.GENERATE_CONTENT));
    String huge = "m" + "x".repeat(200_000);
    NativePath.Rejected rejected = (NativePath.Rejected) parse("POST", "models/" + huge + ":generateContent");
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.field()).isEqualTo("model");
    assertThat(rejected.message()).startsWith("Invalid model name in path: 'mxxx")
        .contains("...' (200001 characters) is longer than 128 characters")
        .hasSizeLessThan(250);
    NativePath.Rejected over = (NativePath.Rejected) parse("GET", "models/" + longest + "y");
    assertThat(over.message()).contains("is longer than 128 characters");
  }

  @ParameterizedTest(name = "{0} {1} -> 404")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      POST   | files
      PUT    | files/abc
      GET    | tunedModels/x/y
      PUT    | cachedContents
      POST   | models
      DELETE | models
      POST   | models/gemini-2.5-flash
      GET    | models/gemini-2.5-flash:generateContent
      DELETE | models/gemini-2.5-flash:generateContent
      GET    | models/gemini-2.5-flash:predict
      POST   | models/gemini-2.5-flash:fooBar
      POST   | models/gemini-2.5-flash:
      POST   | models/gemini-2.5-flash:generatecontent
      POST   | models/gemini-2.5-flash:generateContent:x
      POST   | models/gemini-2.5-flash/operations/x
      GET    | models/x/y
      POST   | model/gemini-2.5-flash:generateContent
      GET    | modelsx
      GET    | ""
      """)
  void unknownResourcesAre404(String method, String resource) {
    NativePath parsed = parse(method, resource);
    assertThat(parsed).isInstanceOf(NativePath.Rejected.class);
    NativePath.Rejected rejected = (NativePath.Rejected) parsed;
    assertThat(rejected.status()).isEqualTo(404);
    assertThat(rejected.message()).isEqualTo("Unknown native path: " + method + " /" + resource);
  }

  @Test
  void anUnknownPathIsQuotedOnlyInPart() {
    NativePath.Rejected rejected = (NativePath.Rejected) parse("GET", "tunedModels/" + "a".repeat(5000));
    assertThat(rejected.status()).isEqualTo(404);
    assertThat(rejected.message()).isEqualTo("Unknown native path: GET /tunedModels/" + "a".repeat(88) + "...");
  }

  @Test
  void theModelIsEncodedIntoTranslatedPaths() {
    assertThat(GeminiMethod.GENERATE_CONTENT.pathFor("gemini-2.5-flash")).isEqualTo("/models/gemini-2.5-flash:generateContent");
    // Validation keeps these out; the encoding still makes them one inert segment.
    assertThat(GeminiMethod.GENERATE_CONTENT.pathFor("../files")).isEqualTo("/models/..%2Ffiles:generateContent");
    assertThat(GeminiMethod.BATCH_EMBED_CONTENTS.pathFor("a?b#c d")).isEqualTo("/models/a%3Fb%23c%20d:batchEmbedContents");
    assertThat(new NativePath.Model("g\u00e9:x").upstreamPath()).isEqualTo("/models/g%C3%A9%3Ax");
  }

  /**
   * Parses {@code resource} as the gate does, from its index in a whole raw path, and checks that
   * the answer is the one for the resource alone.
   */
  private static NativePath parse(String method, String resource) {
    NativePath alone = NativePath.parse(method, resource);
    String path = "/v1beta/" + resource;
    assertThat(NativePath.parse(method, path, path.length() - resource.length())).as(path).isEqualTo(alone);
    return alone;
  }
}
