package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChatResponseTranslatorTest {

  private final ChatResponseTranslator translator = new ChatResponseTranslator(Fixtures.options(null));

  @Test
  void recordsSignaturesSoTheNextRequestCanRestoreThem() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(1 << 20, 60_000);
    JsonNode gemini = Fixtures.json("{\"candidates\":[{\"index\":0,\"finishReason\":\"STOP\",\"content\":{\"parts\":["
        + "{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":1}},\"thoughtSignature\":\"SIG\"}]}}]}");

    JsonNode completion = translator.toCompletion(gemini, TestContexts.context("gemini-3-pro-preview", cache));
    String id = completion.at("/choices/0/message/tool_calls/0/id").asText();

    assertThat(cache.get(id, 6_000)).contains(new ThoughtSignatureCache.Entry("f", "SIG", null));

    String followUp = "{\"model\":\"gemini-3-pro-preview\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"" + id + "\",\"content\":\"done\"}]}";
    JsonNode body = new ChatRequestTranslator(Fixtures.options(null), cache).translate(Fixtures.json(followUp), 7_000).body();
    assertThat(body.at("/contents/1/parts/0/thoughtSignature").asText()).isEqualTo("SIG");
    assertThat(body.at("/contents/2/parts/0/functionResponse/name").asText()).isEqualTo("f");
  }

  @Test
  void clientEchoOfTheMessageRoundTripsTheSignature() {
    JsonNode gemini = Fixtures.json("{\"candidates\":[{\"content\":{\"parts\":["
        + "{\"functionCall\":{\"name\":\"f\",\"args\":{}},\"thoughtSignature\":\"SIG9\"}]},\"finishReason\":\"STOP\"}]}");
    JsonNode message = translator.toCompletion(gemini, TestContexts.context("gemini-3-pro-preview", null)).at("/choices/0/message");

    String request = "{\"model\":\"gemini-3-pro-preview\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}," + message
        + ",{\"role\":\"tool\",\"tool_call_id\":\"" + message.at("/tool_calls/0/id").asText() + "\",\"content\":\"ok\"}]}";
    JsonNode body = new ChatRequestTranslator(Fixtures.options(null), null).translate(Fixtures.json(request), 0).body();

    assertThat(body.at("/contents/1/parts/0")).isEqualTo(Fixtures.json(
        "{\"functionCall\":{\"name\":\"f\",\"args\":{}},\"thoughtSignature\":\"SIG9\"}"));
  }

  @Test
  void generatedToolCallIdsAreCallPlus24HexAndUnique() {
    ResponseContext context = new ResponseContext("chatcmpl-x", 1, "m",
        ResponseContext.randomToolCallIds(new Random(42)), null, 0);
    JsonNode gemini = Fixtures.json("{\"candidates\":[{\"content\":{\"parts\":["
        + "{\"functionCall\":{\"name\":\"f\"}},{\"functionCall\":{\"name\":\"g\"}}]},\"finishReason\":\"STOP\"}]}");

    JsonNode calls = translator.toCompletion(gemini, context).at("/choices/0/message/tool_calls");

    assertThat(calls.get(0).get("id").asText()).matches("call_[0-9a-f]{24}");
    assertThat(calls.get(1).get("id").asText()).matches("call_[0-9a-f]{24}").isNotEqualTo(calls.get(0).get("id").asText());
  }

  @Test
  void rejectsANonObjectUpstreamBody() {
    assertThatThrownBy(() -> translator.toCompletion(Fixtures.json("[]"), TestContexts.context("m", null)))
        .isInstanceOf(MalformedUpstreamException.class);
  }
}
