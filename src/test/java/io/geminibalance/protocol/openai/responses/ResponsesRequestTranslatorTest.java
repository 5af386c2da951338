package io.geminibalance.protocol.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.protocol.openai.TranslationOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Bad Responses requests name the exact field; what the fixtures do not show. */
class ResponsesRequestTranslatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ResponsesRequestTranslator TRANSLATOR =
      new ResponsesRequestTranslator(TranslationOptions.defaults(), null);

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', textBlock = """
      {"model":"gemini-2.5-flash"}                                                          | input
      {"model":"gemini-2.5-flash","input":7}                                                | input
      {"model":"gemini-2.5-flash","input":[]}                                               | input
      {"model":"gemini-2.5-flash","input":[5]}                                              | input[0]
      {"model":"gemini-2.5-flash","input":[{"type":"item_reference","id":"x"}]}             | input[0].type
      {"model":"gemini-2.5-flash","input":[{"role":"tool","content":"x"}]}                  | input[0].role
      {"model":"gemini-2.5-flash","input":[{"role":"user","content":[{"type":"input_audio"}]}]} | input[0].content[0].type
      {"model":"gemini-2.5-flash","input":[{"role":"user","content":[{"type":"input_image","file_id":"f"}]}]} | input[0].content[0].file_id
      {"model":"gemini-2.5-flash","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]} | input[0].content[0].file_id
      {"model":"gemini-2.5-flash","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:nope"}]}]} | input[0].content[0].image_url
      {"model":"gemini-2.5-flash","input":[{"type":"function_call","name":"f","arguments":"{}"}]} | input[0].call_id
      {"model":"gemini-2.5-flash","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"[1]"}]} | input[0].arguments
      {"model":"gemini-2.5-flash","input":[{"type":"function_call","call_id":"c","name":"f"},{"type":"function_call_output","call_id":"c","output":5}]} | input[1].output
      {"model":"gemini-2.5-flash","input":"x","tools":{}}                                   | tools
      {"model":"gemini-2.5-flash","input":"x","tools":[{"type":"function"}]}                | tools[0].name
      {"model":"gemini-2.5-flash","input":"x","tools":[{"type":"code_interpreter"}]}        | tools[0].type
      {"model":"gemini-2.5-flash","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":"sometimes"} | tool_choice
      {"model":"gemini-2.5-flash","input":"x","text":{"format":{"type":"yaml"}}}            | text.format.type
      {"model":"gemini-2.5-flash","input":"x","text":"json"}                                | text
      {"model":"gemini-2.5-flash","input":"x","reasoning":{"summary":"long"}}               | reasoning.summary
      {"model":"gemini-2.5-flash","input":"x","max_output_tokens":0}                        | max_output_tokens
      {"model":"gemini-2.5-flash","input":"x","temperature":"hot"}                          | temperature
      {"model":"gemini-2.5-flash","input":"x","metadata":{"k":1}}                           | metadata.k
      {"model":"gemini-2.5-flash","input":"x","truncation":"middle"}                        | truncation
      {"model":"gemini-2.5-flash","input":"x","store":"yes"}                                | store
      {"model":"gemini-2.5-flash","input":"x","conversation":"conv_1"}                      | conversation
      {"model":"bad model","input":"x"}                                                     | model
      """)
  void badFieldsAreNamed(String body, String param) {
    assertThatThrownBy(() -> TRANSLATOR.translate(json(body), JSON.createArrayNode(), 0))
        .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.param()).isEqualTo(param));
  }

  @Test
  void previousResponseIdIsCheckedForItsSyntax() {
    assertThat(ResponsesRequestTranslator.previousResponseId(json("{\"previous_response_id\":\"resp_1\"}")))
        .contains("resp_1");
    assertThat(ResponsesRequestTranslator.previousResponseId(json("{}"))).isEmpty();
    assertThatThrownBy(() -> ResponsesRequestTranslator.previousResponseId(json("{\"previous_response_id\":\"x/y\"}")))
        .isInstanceOfSatisfying(TranslationException.class,
            e -> assertThat(e.param()).isEqualTo("previous_response_id"));
  }

  @Test
  void aDroppedReasoningItemIsRestoredFromTheCacheByCallId() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(1 << 20, 60_000);
    cache.put("call_1", new ThoughtSignatureCache.Entry("f", "U0lH", "g-1"), 0);
    JsonNode body = new ResponsesRequestTranslator(TranslationOptions.defaults(), cache).translate(json("""
        {"model":"gemini-3-pro-preview","input":[{"role":"user","content":"go"},
         {"type":"function_call","call_id":"call_1","name":"f","arguments":"{}"},
         {"type":"function_call_output","call_id":"call_1","output":"ok"}]}"""), JSON.createArrayNode(), 1).body();
    JsonNode call = body.path("contents").get(1).path("parts").get(0);
    assertThat(call.path("thoughtSignature").asText()).isEqualTo("U0lH");
    assertThat(call.path("functionCall").path("id").asText()).isEqualTo("g-1");
  }

  @Test
  void aStoredConversationComesBeforeTheNewInput() {
    ArrayNode history = (ArrayNode) json("[{\"type\":\"message\",\"role\":\"user\",\"content\":\"one\"}]");
    JsonNode contents = TRANSLATOR.translate(json("{\"model\":\"gemini-2.5-flash\",\"input\":\"two\"}"), history, 0)
        .body().get("contents");
    assertThat(contents).hasSize(1);
    assertThat(contents.get(0).path("parts").get(0).path("text").asText()).isEqualTo("one");
    assertThat(contents.get(0).path("parts").get(1).path("text").asText()).isEqualTo("two");
  }
}
