package io.geminibalance.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for JSON bodies that are mostly almost right: the right top-level shape with
 * fields of the wrong type, missing fields, nulls, huge or odd numbers, unicode (lone surrogates
 * included), bounded deep nesting. Random noise alone would stop at "not an object" every time;
 * near-valid bodies reach the translators' inner code.
 *
 * <p>Bodies go through {@link #overTheWire}: written as JSON text and parsed again the way the
 * gateway parses a request, so a property only sees what the gateway would hand a translator.
 */
public final class JsonArbitraries {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Parses like the relays do: a plain mapper, Jackson's default limits (1000 levels deep). */
  public static final ObjectMapper GATEWAY_MAPPER = new ObjectMapper();

  // Writes any generated tree, however deep, with every non-ASCII character escaped, so lone
  // surrogates reach the parser as \\uD800 escapes (the only way a client can send one).
  private static final ObjectMapper WIRE_WRITER = new ObjectMapper(JsonFactory.builder()
      .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(100_000).build())
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .build());

  private JsonArbitraries() {}

  /** The tree as JSON text parsed by the gateway's mapper; empty when the gateway's parser refuses it. */
  public static Optional<JsonNode> overTheWire(JsonNode generated) {
    try {
      return Optional.of(GATEWAY_MAPPER.readTree(WIRE_WRITER.writeValueAsBytes(generated)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** JSON text of any depth (the gateway's writer refuses more than 1000 levels). */
  public static String text(JsonNode node) {
    try {
      return WIRE_WRITER.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- scalars ----

  /** Strings that tend to break things, plus random ones over the whole UTF-16 range. */
  public static Arbitrary<String> strings() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.strings().alpha().numeric().withChars("-_./:").ofMaxLength(12)),
        Tuple.of(3, Arbitraries.strings().all().ofMaxLength(8)),
        Tuple.of(2, Arbitraries.of("", " ", "\u0000", "\uD800", "\uDC00x", "a\uD83D", "\uD83D\uDE00", "é€",
            "\u202E", "\uFEFF", "null", "true", "0", "-1", "1e999", "{", "}", "[1]", "{}", "{\"a\":1}",
            "models/", "models/x", "-search", "-image", "-non-thinking", "\r\n", "%", "%zz", "data:",
            "data:,", "data:;,", ";", ",")),
        // Long ones without a shrinkable per character (slow to generate); they shrink to "".
        Tuple.of(1, Arbitraries.integers().between(200, 5000).map(n -> "ab\u00e9".repeat(n / 3))));
  }

  /** Numbers of every JSON flavour: small, negative, beyond int and long, huge exponents, -0. */
  public static Arbitrary<JsonNode> numbers() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.integers().between(-3, 10).map(NODES::numberNode)),
        Tuple.of(2, Arbitraries.integers().map(NODES::numberNode)),
        Tuple.of(2, Arbitraries.longs().map(NODES::numberNode)),
        Tuple.of(2, Arbitraries.doubles().map(NODES::numberNode)),
        Tuple.of(1, Arbitraries.of(new BigInteger("9".repeat(40)), new BigInteger("-" + "9".repeat(300)),
            BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE)).map(NODES::numberNode)),
        Tuple.of(1, Arbitraries.of(new BigDecimal("1e400"), new BigDecimal("-1e-400"), new BigDecimal("0.1"),
            new BigDecimal("1E+999999"), new BigDecimal("2147483648"), new BigDecimal("-0.0"),
            new BigDecimal("1.0")).map(NODES::numberNode)),
        Tuple.of(1, Arbitraries.of(-0.0d, Double.MAX_VALUE, Double.MIN_VALUE, 1e-320, 0.5, 2.0)
            .map(NODES::numberNode)));
  }

  public static Arbitrary<JsonNode> scalars() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(NODES.nullNode())),
        Tuple.of(1, Arbitraries.of(true, false).map(NODES::booleanNode)),
        Tuple.of(2, numbers()),
        Tuple.of(3, strings().map(NODES::textNode)));
  }

  /** Any JSON value, at most {@code depth} containers deep, small containers. */
  public static Arbitrary<JsonNode> any(int depth) {
    if (depth <= 0) {
      return scalars();
    }
    Arbitrary<JsonNode> inner = Arbitraries.lazy(() -> any(depth - 1));
    return Arbitraries.frequencyOf(
        Tuple.of(4, scalars()),
        Tuple.of(1, inner.list().ofMaxSize(4).map(JsonArbitraries::array)),
        Tuple.of(1, Arbitraries.maps(Arbitraries.of("a", "text", "type", "name", "role", "content", "data", "x", "")
            .map(s -> s), inner).ofMaxSize(4).map(JsonArbitraries::objectOf)));
  }

  /** Any value of small depth: what a wrongly typed field gets. */
  public static Arbitrary<JsonNode> any() {
    return any(2);
  }

  /**
   * A chain of nested arrays and objects around a leaf, up to 1100 levels: around Jackson's 1000
   * levels for reading and writing, where a body can be accepted and then not be writable.
   */
  public static Arbitrary<JsonNode> deep() {
    return Combinators.combine(
            Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(1, 1100)),
                Tuple.of(3, Arbitraries.integers().between(985, 1001))),
            Arbitraries.of(true, false))
        .as(JsonArbitraries::chain);
  }

  /** {@code depth} containers, innermost first, alternating objects and arrays or all arrays. */
  public static JsonNode chain(int depth, boolean objects) {
    JsonNode node = NODES.numberNode(1);
    for (int i = 0; i < depth; i++) {
      if (objects && i % 2 == 0) {
        ObjectNode wrapper = NODES.objectNode();
        wrapper.set("a", node);
        node = wrapper;
      } else {
        node = NODES.arrayNode().add(node);
      }
    }
    return node;
  }

  // ---- building near-valid objects ----

  /**
   * Mostly {@code valid}, one time in 25 any other value: a body has a dozen such fields, and
   * most tries should get past the first of them.
   */
  public static Arbitrary<JsonNode> nearly(Arbitrary<? extends JsonNode> valid) {
    return Arbitraries.frequencyOf(Tuple.of(24, valid.map(v -> (JsonNode) v)), Tuple.of(1, any()))
        .withoutEdgeCases();
  }

  public static Arbitrary<JsonNode> text(String... values) {
    return Arbitraries.of(values).map(NODES::textNode);
  }

  /** A field of an object that {@link #object(Map)} includes with the given chance. */
  public record Field(double presence, Arbitrary<? extends JsonNode> value) {}

  public static Field required(Arbitrary<? extends JsonNode> value) {
    return new Field(0.98, value);
  }

  public static Field optional(Arbitrary<? extends JsonNode> value) {
    return new Field(0.3, value);
  }

  /** Objects with these fields, each present by its own chance, in this order. */
  public static Arbitrary<JsonNode> object(Map<String, Field> fields) {
    List<String> names = new ArrayList<>(fields.keySet());
    List<Arbitrary<Optional<JsonNode>>> values = new ArrayList<>();
    for (String name : names) {
      Field field = fields.get(name);
      int present = (int) Math.round(field.presence() * 100);
      // Without edge cases: jqwik would otherwise put the rare branch (field missing) in far
      // more often than its weight says, and most tries would stop at the first field.
      values.add(Arbitraries.frequencyOf(
          Tuple.of(present, field.value().map(v -> Optional.of((JsonNode) v))),
          Tuple.of(100 - present, Arbitraries.just(Optional.<JsonNode>empty()))).withoutEdgeCases());
    }
    return Combinators.combine(values).as(list -> {
      ObjectNode object = NODES.objectNode();
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        list.get(i).ifPresent(v -> object.set(name, v));
      }
      return (JsonNode) object;
    });
  }

  /** A fluent map of fields, in insertion order. */
  public static Map<String, Field> fields() {
    return new LinkedHashMap<>();
  }

  public static Arbitrary<JsonNode> arrayOf(Arbitrary<? extends JsonNode> element, int maxSize) {
    return element.map(e -> (JsonNode) e).list().ofMaxSize(maxSize).map(JsonArbitraries::array);
  }

  public static ArrayNode array(List<? extends JsonNode> elements) {
    ArrayNode array = NODES.arrayNode();
    elements.forEach(array::add);
    return array;
  }

  public static ObjectNode objectOf(Map<String, JsonNode> entries) {
    ObjectNode object = NODES.objectNode();
    entries.forEach(object::set);
    return object;
  }

  // ---- mutating known-good bodies ----

  /** One edit somewhere in a tree: which node (by index in document order), what to do, with what. */
  public record Mutation(int target, Kind kind, JsonNode value) {}

  public enum Kind { REPLACE, REMOVE, DUPLICATE, ADD_FIELD, WRAP_IN_ARRAY }

  public static Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> one = Combinators.combine(
            Arbitraries.integers().between(0, 10_000), Arbitraries.of(Kind.class), any())
        .as(Mutation::new);
    return one.list().ofMinSize(1).ofMaxSize(4);
  }

  /** Templates, each edited by a few random mutations; the templates themselves are not changed. */
  public static Arbitrary<JsonNode> mutated(List<? extends JsonNode> templates) {
    return Combinators.combine(Arbitraries.of(templates), mutations())
        .as((template, edits) -> apply(template, edits));
  }

  public static JsonNode apply(JsonNode template, List<Mutation> edits) {
    JsonNode root = template.deepCopy();
    for (Mutation edit : edits) {
      root = apply(root, edit);
    }
    return root;
  }

  private record Slot(ContainerNode<?> parent, String field, int index, JsonNode node) {}

  private static JsonNode apply(JsonNode root, Mutation edit) {
    List<Slot> slots = new ArrayList<>();
    collect(null, null, -1, root, slots);
    Slot slot = slots.get(edit.target() % slots.size());
    if (slot.parent() == null) {
      return switch (edit.kind()) {
        case REPLACE -> edit.value();
        case WRAP_IN_ARRAY -> NODES.arrayNode().add(root);
        case ADD_FIELD -> root instanceof ObjectNode o ? o.set("x_" + o.size(), edit.value()) : root;
        default -> root;
      };
    }
    JsonNode replacement = switch (edit.kind()) {
      case REPLACE -> edit.value();
      case WRAP_IN_ARRAY -> NODES.arrayNode().add(slot.node());
      case ADD_FIELD -> slot.node() instanceof ObjectNode o ? o.deepCopy().set("x_" + o.size(), edit.value())
          : slot.node();
      default -> null;
    };
    if (slot.parent() instanceof ObjectNode object) {
      switch (edit.kind()) {
        case REMOVE -> object.remove(slot.field());
        case DUPLICATE -> object.set(slot.field() + "_copy", slot.node().deepCopy());
        default -> object.set(slot.field(), replacement);
      }
    } else if (slot.parent() instanceof ArrayNode array) {
      switch (edit.kind()) {
        case REMOVE -> array.remove(slot.index());
        case DUPLICATE -> array.insert(slot.index(), slot.node().deepCopy());
        default -> array.set(slot.index(), replacement);
      }
    }
    return root;
  }

  private static void collect(ContainerNode<?> parent, String field, int index, JsonNode node, List<Slot> out) {
    out.add(new Slot(parent, field, index, node));
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        collect(object, name, -1, object.get(name), out);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        collect(array, null, i, array.get(i), out);
      }
    }
  }
}
