package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.ChatRequestTranslator;
import io.geminibalance.protocol.openai.OpenAiArbitraries;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.JsonArbitraries;
import java.net.http.HttpResponse;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Through a running gateway: a chat body the translator refuses is answered 400 in OpenAI's error
 * shape, naming the same field the translator named, never another status.
 */
class OpenAiBadRequestPropertyTest {
  private static GatewayHarness harness;

  @BeforeContainer
  static void start() {
    harness = GatewayHarness.start();
  }

  @AfterContainer
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  @Provide
  Arbitrary<JsonNode> chatRequests() {
    return OpenAiArbitraries.chatRequests();
  }

  private static boolean finiteNumbers(JsonNode node) {
    if (node.isNumber()) {
      return !node.isDouble() && !node.isFloat() || Double.isFinite(node.asDouble());
    }
    for (JsonNode child : node) {
      if (!finiteNumbers(child)) {
        return false;
      }
    }
    return true;
  }

  private static HttpResponse<String> post(String body) {
    return harness.post("/v1/chat/completions", body, "authorization", "Bearer " + GatewayHarness.CLIENT_TOKEN,
        "content-type", "application/json");
  }

  private static void assertBadRequest(HttpResponse<String> response, String param) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode error = JsonArbitraries.GATEWAY_MAPPER.readTree(response.body()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(error.path("param").asText(null)).isEqualTo(param);
  }

  @Property(tries = 20, edgeCases = EdgeCasesMode.NONE)
  void refusedBodiesAreA400NamingTheField(@ForAll("chatRequests") JsonNode generated) throws Exception {
    Optional<JsonNode> received = JsonArbitraries.overTheWire(generated);
    Assume.that(received.isPresent() && received.get().isObject());
    // A model name every validation accepts, so the translator is what refuses the body.
    ObjectNode body = (ObjectNode) received.get();
    // A number beyond a double (1E+400) reads as Infinity, which no JSON text can carry back: the
    // body posted below would not be the body translated here.
    Assume.that(finiteNumbers(body));
    body.put("model", "gemini-2.5-flash");
    String param;
    try {
      new ChatRequestTranslator(OpenAiOptions.from(harness.gateway.config()), null).translate(body, 0);
      param = null;
    } catch (TranslationException e) {
      param = e.param();
    }
    Assume.that(param != null);
    assertBadRequest(post(JsonArbitraries.text(body)), param);
  }

  // Counterexamples of TranslatorPropertyTest, through the gateway: on main the first threw out of
  // the handler and the second was translated and then could not be written.
  @Example
  void aBrokenDataUrlIsA400() throws Exception {
    assertBadRequest(post("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":"
        + "[{\"type\":\"image_url\",\"image_url\":\"data:,%\"}]}]}"), "messages[0].content[0].image_url.url");
  }

  @Example
  void toolArgumentsTooDeepToSendAreA400() throws Exception {
    // arguments as JSON text 999 levels deep: parsed, then placed 6 levels down in the Gemini body
    String deep = "{\\\"a\\\":".repeat(999) + "1" + "}".repeat(999);
    assertBadRequest(post("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
        + "\"arguments\":\"" + deep + "\"}}]}]}"), "messages[1].tool_calls[0].function.arguments");
  }
}
