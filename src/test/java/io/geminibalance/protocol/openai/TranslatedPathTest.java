package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every form {@code /v1} and {@code /hf/v1} serve or refuse, parsed from the whole raw path. */
class TranslatedPathTest {

  @Test
  void servedForms() {
    assertThat(parse("POST", "/v1/chat/completions")).isSameAs(TranslatedPath.CHAT_COMPLETIONS);
    assertThat(parse("POST", "/hf/v1/embeddings")).isSameAs(TranslatedPath.EMBEDDINGS);
    assertThat(parse("GET", "/v1/models")).isSameAs(TranslatedPath.MODEL_LIST);
    assertThat(parse("GET", "/v1/models/gemini-2.5-flash")).isEqualTo(new TranslatedPath.Model("gemini-2.5-flash"));
    assertThat(parse("GET", "/v1/models/models/gemini-2.5-flash-search"))
        .isEqualTo(new TranslatedPath.Model("models/gemini-2.5-flash-search"));
    assertThat(parse("POST", "/v1/responses")).isSameAs(TranslatedPath.RESPONSES_CREATE);
    assertThat(parse("POST", "/hf/v1/responses")).isSameAs(TranslatedPath.RESPONSES_CREATE);
    assertThat(parse("GET", "/v1/responses/resp_1a-B_")).isEqualTo(new TranslatedPath.ResponseRetrieve("resp_1a-B_"));
    assertThat(parse("DELETE", "/v1/responses/resp_1")).isEqualTo(new TranslatedPath.ResponseDelete("resp_1"));
    assertThat(parse("GET", "/hf/v1/responses/resp_1/input_items"))
        .isEqualTo(new TranslatedPath.ResponseInputItems("resp_1"));
  }

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      GET  | /v1/models/gemini%3Fx      | 400 | invalid_model | model | Invalid model name: 'gemini%3Fx' has the percent-encoded character '%3F' at position 7
      GET  | /v1/models/..%2Ffiles      | 400 | invalid_model | model | Invalid model name: '..%2Ffiles' has '.' at position 1
      GET  | /hf/v1/models/-x           | 400 | invalid_model | model | Invalid model name: '-x' has '-' at position 1
      GET  | /v1/models/a/b             | 400 | invalid_model | model | Invalid model name: 'a/b' has '/' at position 2
      GET  | /v1/models/                | 400 | invalid_model | model | Invalid model name: the name is empty
      POST | /v1/files                  | 404 | unknown_url   |       | Unknown endpoint: POST /v1/files
      PUT  | /hf/v1/responses           | 404 | unknown_url   |       | Unknown endpoint: PUT /hf/v1/responses
      GET  | /v1/responses              | 404 | unknown_url   |       | Unknown endpoint: GET /v1/responses
      GET  | /v1/responses/abc          | 400 | invalid_value | response_id | Invalid response id
      DELETE | /v1/responses/resp_a%2Fb | 400 | invalid_value | response_id | Invalid response id
      GET  | /v1/responses/resp_         | 400 | invalid_value | response_id | Invalid response id
      POST | /v1/responses/resp_abc/cancel | 400 | invalid_request | response_id | Only background responses
      POST | /v1/responses/resp_abc      | 404 | unknown_url   |       | Unknown endpoint: POST /v1/responses/resp_abc
      GET  | /v1/responses/resp_abc/other | 404 | unknown_url  |       | Unknown endpoint: GET /v1/responses/resp_abc/other
      GET  | /v1/chat/completions       | 404 | unknown_url   |       | Unknown endpoint: GET /v1/chat/completions
      POST | /v1/models                 | 404 | unknown_url   |       | Unknown endpoint: POST /v1/models
      POST | /v1/chat/completions/      | 404 | unknown_url   |       | Unknown endpoint: POST /v1/chat/completions/
      PUT  | /v1/embeddings             | 404 | unknown_url   |       | Unknown endpoint: PUT /v1/embeddings
      POST | /v1/                       | 404 | unknown_url   |       | Unknown endpoint: POST /v1/
      """)
  void refusedForms(String method, String path, int status, String code, String param, String message) {
    TranslatedPath.Rejected rejected = (TranslatedPath.Rejected) parse(method, path);
    assertThat(rejected.status()).isEqualTo(status);
    assertThat(rejected.code()).isEqualTo(code);
    assertThat(rejected.param()).isEqualTo(param);
    assertThat(rejected.message()).startsWith(message);
  }

  @Test
  void aLongUnknownPathIsQuotedOnlyInPart() {
    TranslatedPath.Rejected rejected = (TranslatedPath.Rejected) parse("POST", "/v1/" + "a".repeat(5000));
    assertThat(rejected.message()).isEqualTo("Unknown endpoint: POST /v1/" + "a".repeat(96) + "...");
  }

  /** As the gate parses: from where the resource starts, after the prefix and its slash. */
  private static TranslatedPath parse(String method, String path) {
    int from = path.startsWith("/hf/v1/") ? "/hf/v1/".length() : "/v1/".length();
    return TranslatedPath.parse(method, path, from);
  }
}
