package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.testing.JsonArbitraries;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Whatever schema a client sends, {@link FunctionSchemas#forGemini} answers a cleaned schema or
 * {@link FunctionSchemas.Invalid}, never another exception, never changes its input, and never
 * answers more than its node budget, however the references multiply.
 */
class FunctionSchemasPropertyTest {
  private static final List<String> KEYWORDS = List.of("type", "properties", "items", "prefixItems", "anyOf", "oneOf",
      "allOf", "$ref", "$defs", "definitions", "required", "enum", "const", "nullable", "default", "format",
      "additionalProperties", "minimum", "exclusiveMinimum", "maxItems", "description", "not", "propertyOrdering");
  private static final List<String> REFS = List.of("#", "#/$defs/a", "#/$defs/b", "#/definitions/a",
      "#/properties/a", "#/$defs/missing", "http://x/y", "#anchor", "#/$defs/a/properties/a");

  /** Schema-like trees: keywords Gemini cares about with values of every kind, references among them. */
  static Arbitrary<JsonNode> schemas(int depth) {
    Arbitrary<JsonNode> inner = depth <= 0 ? JsonArbitraries.scalars() : Arbitraries.lazy(() -> schemas(depth - 1));
    Arbitrary<JsonNode> value = Arbitraries.frequencyOf(
        Tuple.of(4, inner),
        Tuple.of(2, Arbitraries.of(REFS).map(JsonArbitraries.GATEWAY_MAPPER.getNodeFactory()::textNode)),
        Tuple.of(2, JsonArbitraries.text("object", "string", "array", "integer", "null", "a", "b")),
        Tuple.of(1, JsonArbitraries.any()),
        Tuple.of(2, inner.list().ofMaxSize(3).map(JsonArbitraries::array)),
        Tuple.of(2, Arbitraries.maps(Arbitraries.of("a", "b", "type", "c"), inner).ofMaxSize(3)
            .map(JsonArbitraries::objectOf)));
    return Arbitraries.maps(Arbitraries.of(KEYWORDS), value).ofMaxSize(5)
        .map(fields -> (JsonNode) JsonArbitraries.objectOf(fields));
  }

  /** Definitions that each refer to the others twice: an explosion when inlined naively. */
  static Arbitrary<JsonNode> explosions() {
    return Arbitraries.integers().between(2, 40).map(count -> {
      ObjectNode defs = JsonArbitraries.GATEWAY_MAPPER.createObjectNode();
      for (int i = 0; i < count; i++) {
        String next = "#/$defs/d" + ((i + 1) % count);
        defs.set("d" + i, JsonArbitraries.objectOf(Map.of("type", JsonArbitraries.GATEWAY_MAPPER.getNodeFactory()
            .textNode("object"), "properties", JsonArbitraries.objectOf(Map.of(
                "a", JsonArbitraries.objectOf(Map.of("$ref", JsonArbitraries.GATEWAY_MAPPER.getNodeFactory().textNode(next))),
                "b", JsonArbitraries.objectOf(Map.of("$ref", JsonArbitraries.GATEWAY_MAPPER.getNodeFactory().textNode(next))))))));
      }
      ObjectNode root = JsonArbitraries.GATEWAY_MAPPER.createObjectNode().put("$ref", "#/$defs/d0");
      root.set("$defs", defs);
      return root;
    });
  }

  @Provide
  Arbitrary<JsonNode> anySchemas() {
    List<JsonNode> agents = FunctionSchemasFixtureTest.fixtures().stream()
        .map(file -> FunctionSchemasFixtureTest.read(file).get("schema")).toList();
    return Arbitraries.frequencyOf(
        Tuple.of(4, schemas(3)),
        Tuple.of(3, JsonArbitraries.mutated(agents)),
        Tuple.of(1, explosions()),
        Tuple.of(1, JsonArbitraries.any(4)),
        Tuple.of(1, JsonArbitraries.deep()));
  }

  @Property(tries = 250, edgeCases = EdgeCasesMode.NONE)
  void cleaningAnswersABoundedObjectSchemaOrInvalidAndNothingElse(@ForAll("anySchemas") JsonNode schema) {
    // A copy, not the text: JsonArbitraries.deep() nests past the 1,000 levels Jackson writes.
    JsonNode before = schema.deepCopy();
    try {
      ObjectNode cleaned = FunctionSchemas.forGemini(schema);
      assertThat(cleaned.get("type").asText()).isEqualTo("object");
      assertThat(nodes(cleaned)).isLessThanOrEqualTo(FunctionSchemas.MAX_NODES + 1);
    } catch (FunctionSchemas.Invalid e) {
      assertThat(e.pointer()).isNotNull();
      assertThat(e.getMessage()).isNotBlank();
    }
    assertThat(schema).isEqualTo(before);
  }

  /** Every value in the tree, containers included. */
  private static int nodes(JsonNode root) {
    int count = 0;
    Deque<JsonNode> pending = new ArrayDeque<>(List.of(root));
    while (!pending.isEmpty()) {
      JsonNode next = pending.pop();
      count++;
      next.forEach(pending::push);
    }
    return count;
  }
}
