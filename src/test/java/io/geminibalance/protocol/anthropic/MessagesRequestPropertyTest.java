package io.geminibalance.protocol.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.testing.JsonArbitraries;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Messages bodies half valid, half junk: the translator either gives a body with contents or
 * refuses with an {@link AnthropicRequestException} naming a field of the request (400, or 404
 * for the model); nothing else escapes it, and it never changes its input.
 */
class MessagesRequestPropertyTest {
  private static final MessagesRequestTranslator TRANSLATOR =
      new MessagesRequestTranslator(AnthropicFixtures.defaultMap());
  private static final List<String> FIELDS = List.of("model", "max_tokens", "messages", "system", "tools",
      "tool_choice", "thinking", "temperature", "top_p", "top_k", "stop_sequences", "stream", "metadata",
      "service_tier");

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void requestsTranslateOrNameTheirBadField(@ForAll("requests") JsonNode request, @ForAll boolean counting) {
    String before = request.toString();
    try {
      TranslatedMessages translated = counting ? TRANSLATOR.countTokens(request) : TRANSLATOR.messages(request);
      assertThat(translated.body().path("contents").isEmpty()).isFalse();
    } catch (AnthropicRequestException e) {
      assertThat(e.status()).isIn(400, 404);
      assertThat(e.field()).as(e.getMessage()).isNotNull();
      String root = e.field().replaceFirst("[.\\[].*$", "");
      assertThat(FIELDS).as(e.getMessage()).contains(root);
      assertThat(e.getMessage()).startsWith(e.field() + ": ");
    }
    assertThat(request.toString()).isEqualTo(before);
  }

  @Provide
  Arbitrary<JsonNode> requests() {
    Arbitrary<JsonNode> junk = JsonArbitraries.any(2);
    Map<String, Arbitrary<JsonNode>> good = Map.ofEntries(
        Map.entry("model", Arbitraries.of("gemini-2.5-flash", "claude-sonnet-4-5", "claude-x", "").map(this::text)),
        Map.entry("max_tokens", Arbitraries.integers().between(-1, 70000).map(i -> json(Integer.toString(i)))),
        Map.entry("messages", messages()),
        Map.entry("system", Arbitraries.of("\"sys\"", "[{\"type\":\"text\",\"text\":\"s\"}]", "[{\"type\":\"image\"}]")
            .map(this::json)),
        Map.entry("tools", Arbitraries.of("[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}]",
            "[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]", "[{\"name\":\"f\"}]").map(this::json)),
        Map.entry("tool_choice", Arbitraries.of("{\"type\":\"auto\"}", "{\"type\":\"any\"}",
            "{\"type\":\"tool\",\"name\":\"f\"}", "{\"type\":\"other\"}").map(this::json)),
        Map.entry("thinking", Arbitraries.of("{\"type\":\"enabled\",\"budget_tokens\":1024}",
            "{\"type\":\"disabled\"}", "{\"type\":\"adaptive\"}", "{\"type\":\"enabled\"}").map(this::json)),
        Map.entry("temperature", Arbitraries.doubles().between(-1, 3).map(d -> json(Double.toString(d)))),
        Map.entry("stop_sequences", Arbitraries.of("[\"x\"]", "[1]", "\"x\"").map(this::json)));
    return Combinators.combine(Arbitraries.subsetOf(FIELDS), Arbitraries.randoms()).flatAs((fields, random) -> {
      List<Arbitrary<Map.Entry<String, JsonNode>>> entries = fields.stream().map(field -> {
        Arbitrary<JsonNode> value = good.containsKey(field)
            ? Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, good.get(field)), net.jqwik.api.Tuple.of(1, junk))
            : junk;
        return value.map(v -> Map.entry(field, v));
      }).toList();
      return Combinators.combine(entries).as(list -> {
        ObjectNode body = AnthropicFixtures.MAPPER.createObjectNode();
        list.forEach(e -> body.set(e.getKey(), e.getValue()));
        return (JsonNode) body;
      });
    });
  }

  private Arbitrary<JsonNode> messages() {
    return Arbitraries.of(
        "[{\"role\":\"user\",\"content\":\"hi\"}]",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"}]},{\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"f\",\"input\":{}}]},{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":[{\"type\":\"text\",\"text\":\"r\"}]}]}]",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"nope\"}]}]",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://x/y.png\"}}]}]",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\"}}]}]",
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"s\"}]}]",
        "[{\"role\":\"user\",\"content\":[]}]", "[]", "[1]").map(this::json);
  }

  private JsonNode text(String value) {
    return AnthropicFixtures.MAPPER.getNodeFactory().textNode(value);
  }

  private JsonNode json(String value) {
    return AnthropicFixtures.json(value);
  }
}
