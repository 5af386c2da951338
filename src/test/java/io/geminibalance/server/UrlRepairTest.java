package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules of {@link UrlRepair#canonical}, one row each; "-" is no rewrite. */
class UrlRepairTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      // 1. Native: generateContent / v1beta/models
      "POST | /models/gemini-2.5-flash:generateContent             | null                 | /v1beta/models/gemini-2.5-flash:generateContent",
      "POST | /api2/v1beta/models/gemini-2.5-pro:GENERATECONTENT    | null                 | /v1beta/models/gemini-2.5-pro:generateContent",
      "POST | /models/gemini-2.5-flash:streamGenerateContent       | alt=sse              | /v1beta/models/gemini-2.5-flash:streamGenerateContent",
      "POST | /x/generateContent                                   | model=gemini-2.5-flash&stream=true | /v1beta/models/gemini-2.5-flash:streamGenerateContent",
      "POST | /x/generateContent                                   | model=models%2Fgemini-2.5-flash | /v1beta/models/gemini-2.5-flash:generateContent",
      "POST | /x/v1beta/models/gemini-2.5-flash/generateContent    | model=gemini-2.0-flash | /v1beta/models/gemini-2.0-flash:generateContent",
      "POST | /vertex-express/models/gemini-2.5-flash:generateContent | null              | /vertex-express/v1beta/models/gemini-2.5-flash:generateContent",
      "GET  | /proxy/v1beta/models                                 | null                 | /v1beta/models",
      "GET  | /x/generatecontent                                   | null                 | /v1beta/models",
      "POST | /x/generateContent                                   | null                 | -",
      "POST | /x/generateContent                                   | model=../../admin    | -",
      "POST | /x/generateContent                                   | model=a%2F..%2Fb     | -",
      "POST | /v1beta/models/gemini-2.5-flash:unknownMethod        | null                 | -",
      "POST | /gemini/v1beta/models/gemini-2.5-flash:foo          | null                 | -",
      "PUT  | /models/gemini-2.5-flash:generateContent             | null                 | -",
      // 2. /openai/
      "POST | /v1beta/openai/chat/completions                      | null                 | /openai/v1/chat/completions",
      "POST | /x/openai/embeddings                                 | null                 | /openai/v1/embeddings",
      "POST | /x/openai/images/new                                 | null                 | /openai/v1/images/generations",
      "POST | /x/openai/audio                                      | null                 | /openai/v1/audio/speech",
      "GET  | /v1beta/openai/models                                | null                 | /openai/v1/models",
      "GET  | /v1beta/openai/files                                 | null                 | -",
      "POST | /v1beta/openai/responses                             | null                 | -",
      // Another operation of the family is not the one it would land on (an edit is no generation).
      "POST | /x/openai/images/edits                               | null                 | -",
      "POST | /v1beta/openai/images/variations                     | null                 | -",
      "POST | /openai/v1/audio/transcriptions                      | null                 | -",
      "POST | /proxy/v1/audio/translations                         | null                 | -",
      "POST | /v1beta/openai/images/generations                    | null                 | /openai/v1/images/generations",
      // 3. /v1/
      "POST | /proxy/v1/chat/completions                           | null                 | /v1/chat/completions",
      "POST | /proxy/v1/embeddings                                 | null                 | /v1/embeddings",
      "GET  | /proxy/v1/models                                     | null                 | /v1/models",
      // 4. /chat/completions
      "POST | /chat/completions                                    | null                 | /v1/chat/completions",
      "POST | /v1beta/chat/completions                             | null                 | /v1/chat/completions",
      "GET  | /nothing/here                                        | null                 | -",
      "DELETE | /chat/completions                                  | null                 | -",
  })
  void everyRuleRewritesAsDocumented(String method, String path, String query, String expected) {
    assertThat(UrlRepair.canonical(HttpMethod.valueOf(method.strip()), path.strip(), query).orElse("-"))
        .isEqualTo(expected);
  }
}
