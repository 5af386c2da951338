package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A function's parameter schema, as a client wrote it (JSON Schema, from OpenAI chat, the
 * Responses API or Anthropic's Messages API), made into what Gemini accepts in a function
 * declaration's {@code parametersJsonSchema}. Every client surface translates tool definitions
 * through here, so a schema Gemini would refuse is repaired (or refused with the exact place named)
 * the same way everywhere.
 *
 * <p>Gemini takes JSON Schema in {@code parametersJsonSchema} but documents a subset of it ({@code
 * $ref}/{@code $defs}, {@code type} (also a list, also {@code "null"}), {@code format}, {@code
 * title}, {@code description}, {@code enum} of strings and numbers, {@code items}, {@code
 * prefixItems}, {@code minItems}/{@code maxItems}, {@code minimum}/{@code maximum}, {@code anyOf},
 * {@code oneOf} read as {@code anyOf}, {@code properties}, {@code additionalProperties}, {@code
 * required}, {@code propertyOrdering}), and it refuses a {@code $ref} with sibling keywords other
 * than a description and a default, and a reference it cannot resolve ("reference to undefined
 * schema"). The rules, applied at every level:
 *
 * <ul>
 *   <li>{@code $ref} is inlined: a JSON pointer inside the schema ({@code #}, {@code #/$defs/X},
 *       {@code #/definitions/X}, any {@code #/...}) is replaced by a cleaned copy of its target,
 *       with the keywords written beside the {@code $ref} laid over it as an {@code allOf} would
 *       be: properties and required names united, otherwise the sibling wins (a description, a
 *       default). A reference that points outside the schema or at nothing is {@link Invalid}:
 *       the gateway fetches nothing. A recursive definition (a tree node) appears at most
 *       {@value #MAX_SELF_NESTING} levels deep inside itself; one level further it is cut to a
 *       permissive schema keeping only its {@code type} and description, so the schema becomes
 *       finite (Gemini unrolls cycles only "to a limited degree" and not in required properties).
 *   <li>{@code $defs}, {@code definitions}, {@code $schema}, {@code $id}, {@code $anchor}, {@code
 *       $comment} and every keyword outside the subset below are dropped ({@code not}, {@code
 *       if}/{@code then}/{@code else}, {@code patternProperties}, {@code propertyNames}, {@code
 *       dependentSchemas}, {@code unevaluatedProperties}, {@code contains}, {@code uniqueItems},
 *       {@code multipleOf}, {@code examples}, {@code readOnly}, {@code deprecated}, {@code x-...},
 *       ...). Dropping one only widens what the model may send; the tool still checks its input.
 *   <li>Kept: {@code type}, {@code title}, {@code description}, {@code enum}, {@code default},
 *       {@code example}, {@code properties}, {@code required}, {@code additionalProperties},
 *       {@code items}, {@code prefixItems}, {@code anyOf}, {@code minimum}/{@code maximum}, the
 *       length and count bounds ({@code min/maxItems}, {@code min/maxLength}, {@code
 *       min/maxProperties}, non-negative integers), {@code pattern}, {@code propertyOrdering}.
 *   <li>{@code oneOf} becomes {@code anyOf} (what Gemini reads it as) unless the node has both;
 *       {@code allOf} is merged into its node (properties and required names united, other
 *       keywords kept where the node has none; a part's required names may be the node's own
 *       properties).
 *   <li>{@code const} becomes an {@code enum} of one (a string or a number; {@code null} and
 *       booleans become the {@code type}). {@code nullable: true} (OpenAPI) adds {@code "null"} to
 *       the type. An {@code enum} keeps its strings and numbers; a {@code null} in it adds {@code
 *       "null"} to the type; an enum with any other value is dropped.
 *   <li>{@code exclusiveMinimum}/{@code exclusiveMaximum} (numbers) become {@code
 *       minimum}/{@code maximum}, one step inside for an integer; the old boolean form is dropped.
 *   <li>{@code format} is kept only for the values Gemini knows: {@code date-time}, {@code date},
 *       {@code time}, {@code int32}, {@code int64}, {@code float}, {@code double}; others ({@code
 *       uri}, {@code email}, {@code uuid}, ...) are dropped.
 *   <li>{@code required} keeps the names its node's {@code properties} declare (Gemini refuses
 *       "property is not defined"); {@code propertyOrdering} likewise. A property whose schema is
 *       {@code false} is removed. An empty {@code properties} below the root is dropped (it
 *       constrains nothing). An array without {@code items} gets {@code items: {}}; tuple-form
 *       {@code items: [...]} becomes {@code prefixItems}.
 *   <li>The root must describe an object: no {@code type} becomes {@code "object"}, {@code
 *       ["object", "null"]} becomes {@code "object"}; any other root type is {@link Invalid}.
 * </ul>
 *
 * <p>Bounds: the result holds at most {@value #MAX_NODES} JSON nodes and schemas nest at most
 * {@value #MAX_DEPTH} levels, references inlined (what is walked and dropped, such as unknown
 * keywords, counts against the same budget each time it is walked); a schema that would exceed either (a hostile
 * "billion laughs" of references) is {@link Invalid}, so cleaning never costs more than that.
 * The schemas of one request (its tools) share a budget of {@value #MAX_REQUEST_NODES} nodes
 * ({@link Budget}), so many tools cannot add up to more. A value of the wrong shape where a schema is required ({@code properties} not an object, an
 * {@code anyOf} entry that is a string, an unknown {@code type} name) is {@link Invalid} too.
 */
public final class FunctionSchemas {
  /** The most JSON nodes the cleaned schema may hold, references inlined. */
  public static final int MAX_NODES = 10_000;
  /**
   * The most JSON nodes the cleaned schemas of one request may hold together ({@link Budget}): a
   * schema of a few hundred bytes may inline to {@value #MAX_NODES} nodes, so without it a request
   * of many tools could make the gateway build (and send) far more than it received.
   */
  public static final int MAX_REQUEST_NODES = 100_000;
  /**
   * The longest {@code $ref}: a reference is resolved each time its definition is walked, and a
   * definition name may be as long as the JSON parser allows (50,000 characters).
   */
  public static final int MAX_REF_CHARS = 2_048;
  /** The deepest schemas may nest in the cleaned schema (one level per properties/items/anyOf step). */
  public static final int MAX_DEPTH = 100;
  /** How often a definition is expanded inside its own expansion before it is cut. */
  static final int MAX_SELF_NESTING = 2;

  private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "object", "array",
      "null");
  private static final Set<String> FORMATS = Set.of("date-time", "date", "time", "int32", "int64", "float",
      "double");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private FunctionSchemas() {}

  /** A schema that cannot be made acceptable; {@code pointer} is the JSON pointer inside it ("" = root). */
  public static final class Invalid extends RuntimeException {
    private final String pointer;

    public Invalid(String pointer, String message) {
      super(message);
      this.pointer = pointer;
    }

    public String pointer() {
      return pointer;
    }
  }

  /** The nodes the cleaned schemas of one request have used so far, out of {@value #MAX_REQUEST_NODES}. */
  public static final class Budget {
    private int used;
  }

  /**
   * The schema to send as {@code parametersJsonSchema}, a new tree ({@code schema} is not changed);
   * for a request with a single schema.
   *
   * @throws Invalid naming where the schema is at fault
   */
  public static ObjectNode forGemini(JsonNode schema) {
    return forGemini(schema, new Budget());
  }

  /**
   * The same for one of a request's schemas, all of which clean against one {@code budget}.
   *
   * @throws Invalid naming where the schema is at fault, or when it passes the request's budget
   */
  public static ObjectNode forGemini(JsonNode schema, Budget budget) {
    if (schema == null || !schema.isObject()) {
      throw new Invalid("", "must be a JSON Schema object");
    }
    ObjectNode cleaned = new Cleaner(schema, budget).schema(schema, "", 0);
    return rootObject(cleaned == null ? NODES.objectNode() : cleaned);
  }

  private static ObjectNode rootObject(ObjectNode root) {
    JsonNode type = root.get("type");
    if (type == null) {
      ObjectNode typed = NODES.objectNode().put("type", "object");
      typed.setAll(root);
      return typed;
    }
    List<String> types = new ArrayList<>();
    type.forEach(t -> types.add(t.asText()));
    if (type.isTextual() ? type.asText().equals("object") : types.contains("object")) {
      root.put("type", "object");
      return root;
    }
    throw new Invalid("/type", "the parameters must be an object schema (type 'object'), not " + type);
  }

  /** One cleaning: the document references resolve against, the node budget, the definitions being expanded. */
  private static final class Cleaner {
    private final JsonNode document;
    private final Deque<String> expanding = new ArrayDeque<>();
    private final Budget budget;
    private int nodes;

    Cleaner(JsonNode document, Budget budget) {
      this.document = document;
      this.budget = budget;
    }

    /** The cleaned schema at {@code pointer}, or null for the schema {@code false} (nothing is valid). */
    ObjectNode schema(JsonNode node, String pointer, int depth) {
      if (depth > MAX_DEPTH) {
        throw new Invalid(pointer, "schemas nest more than " + MAX_DEPTH + " levels deep (references inlined)");
      }
      if (node.isBoolean()) {
        charge(1);
        return node.booleanValue() ? NODES.objectNode() : null;
      }
      if (!node.isObject()) {
        throw new Invalid(pointer, "must be a JSON Schema (an object or a boolean), not " + kind(node));
      }
      charge(1);
      JsonNode ref = node.get("$ref");
      ObjectNode out = ref == null ? keywords((ObjectNode) node, pointer, depth)
          : inline((ObjectNode) node, ref, pointer, depth);
      JsonNode type = out == null ? null : out.get("type");
      // Last, once the node is whole: an items of the referenced schema or of an allOf part counts.
      if (type != null && includes(type, "array") && !out.has("items")) {
        out.set("items", NODES.objectNode());
        charge(1);
      }
      return out;
    }

    private ObjectNode inline(ObjectNode node, JsonNode ref, String pointer, int depth) {
      String at = pointer + "/$ref";
      if (!ref.isTextual()) {
        throw new Invalid(at, "must be a string");
      }
      if (ref.asText().length() > MAX_REF_CHARS) {
        throw new Invalid(at, "is longer than " + MAX_REF_CHARS + " characters");
      }
      String target = targetPointer(ref.asText(), at);
      JsonNode resolved;
      try {
        resolved = document.at(JsonPointer.compile(target));
      } catch (IllegalArgumentException e) {
        throw new Invalid(at, "'" + ref.asText() + "' is not a JSON pointer");
      }
      if (resolved.isMissingNode()) {
        throw new Invalid(at, "refers to '" + ref.asText() + "', which the schema does not define");
      }
      ObjectNode inlined;
      if (expanding.stream().filter(target::equals).count() >= MAX_SELF_NESTING) {
        inlined = cut(resolved);
      } else {
        expanding.push(target);
        try {
          inlined = schema(resolved, target, depth + 1);
        } finally {
          expanding.pop();
        }
      }
      // A shallow copy: keywords() walks what it keeps, and a dropped sibling is never copied.
      ObjectNode siblings = NODES.objectNode();
      node.fields().forEachRemaining(field -> {
        if (!field.getKey().equals("$ref")) {
          siblings.set(field.getKey(), field.getValue());
        }
      });
      if (siblings.isEmpty()) {
        return inlined;
      }
      ObjectNode over = keywords(siblings, pointer, depth);
      if (inlined == null) {
        return null;
      }
      // As allOf [siblings, target]: properties and required united, the siblings' other keywords win.
      mergeAllOf(over, inlined);
      requireAlso(over, siblings.get("required"));
      charge(over.size());
      return over;
    }

    /** The permissive stand-in for a definition met once too often inside itself: its type and description. */
    private ObjectNode cut(JsonNode definition) {
      ObjectNode stand = NODES.objectNode();
      charge(1);
      if (definition.isObject()) {
        JsonNode type = type(definition.get("type"), "");
        if (type != null) {
          stand.set("type", type);
          if (includes(type, "array")) {
            stand.set("items", NODES.objectNode());
          }
        }
        JsonNode description = definition.get("description");
        if (description != null && description.isTextual()) {
          stand.set("description", description);
        }
        charge(stand.size());
      }
      return stand;
    }

    private ObjectNode keywords(ObjectNode node, String pointer, int depth) {
      ObjectNode out = NODES.objectNode();
      List<ObjectNode> allOf = new ArrayList<>();
      List<JsonNode> partsRequired = new ArrayList<>();
      Set<String> removedProperties = new LinkedHashSet<>();
      JsonNode enumValues = null;
      JsonNode constValue = null;
      JsonNode exclusiveMinimum = null;
      JsonNode exclusiveMaximum = null;
      boolean nullable = false;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String key = field.getKey();
        JsonNode value = field.getValue();
        String at = pointer + "/" + escape(key);
        switch (key) {
          case "type" -> {
            JsonNode type = type(value, at);
            // Names walked and dropped as repeats count too; the names kept count with the node below.
            charge(value.size() - (type == null ? 0 : type.size()));
            if (type != null) {
              out.set("type", type);
            }
          }
          case "title", "description", "pattern" -> {
            if (value.isTextual()) {
              out.set(key, value);
            }
          }
          case "format" -> {
            if (value.isTextual() && FORMATS.contains(value.asText())) {
              out.set(key, value);
            }
          }
          case "default", "example" -> out.set(key, copy(value));
          case "enum" -> enumValues = value;
          case "const" -> constValue = value;
          case "nullable" -> nullable = value.isBoolean() && value.booleanValue();
          case "minimum", "maximum" -> {
            if (value.isNumber()) {
              out.set(key, value);
            }
          }
          case "exclusiveMinimum" -> exclusiveMinimum = value;
          case "exclusiveMaximum" -> exclusiveMaximum = value;
          case "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties" -> {
            // 1.0 is an integer to JSON Schema (draft 6 on) as much as 1 is.
            if (value.isNumber() && value.doubleValue() >= 0 && value.doubleValue() == Math.rint(value.doubleValue())
                && value.doubleValue() < Long.MAX_VALUE) {
              out.set(key, value.isIntegralNumber() ? value : integer(value.longValue()));
            }
          }
          case "properties" -> out.set(key, properties(value, at, depth, removedProperties));
          case "required", "propertyOrdering" -> {
            if (value.isArray()) {
              out.set(key, copy(value));
            }
          }
          case "additionalProperties" -> {
            if (value.isBoolean()) {
              out.set(key, value);
            } else {
              ObjectNode additional = schema(value, at, depth + 1);
              out.set(key, additional == null ? NODES.booleanNode(false) : additional);
            }
          }
          case "items" -> {
            if (value.isArray()) {
              if (!node.has("prefixItems")) {
                out.set("prefixItems", schemaList(value, at, depth, true));
              }
            } else {
              ObjectNode items = schema(value, at, depth + 1);
              if (items != null) {
                out.set(key, items);
              }
            }
          }
          case "prefixItems" -> out.set(key, schemaList(requireArray(value, at), at, depth, true));
          case "anyOf" -> putAlternatives(out, "anyOf", requireArray(value, at), at, depth);
          case "oneOf" -> putAlternatives(out, node.has("anyOf") ? "oneOf" : "anyOf", requireArray(value, at), at,
              depth);
          case "allOf" -> {
            ArrayNode parts = schemaList(requireArray(value, at), at, depth, false);
            parts.forEach(part -> allOf.add((ObjectNode) part));
            // A part may require properties this node declares ({"allOf": [{"required": ["a"]}]}).
            value.forEach(part -> partsRequired.add(part.path("required")));
          }
          default -> {
            // Outside Gemini's subset: dropped (see the class comment), but walked once per
            // expansion, so it counts: a definition of many unknown keywords referenced many
            // times costs what it would cost kept.
            charge(1);
          }
        }
      }
      allOf.forEach(part -> mergeAllOf(out, part));
      partsRequired.forEach(names -> requireAlso(out, names));
      if (nullable) {
        addNull(out);
      }
      if (constValue != null && enumValues == null) {
        constant(out, constValue);
      }
      if (enumValues != null) {
        enumeration(out, enumValues);
        // Values walked and not kept (all of a dropped enum) count here; the kept ones below.
        charge(Math.max(0, enumValues.size() - out.path("enum").size()));
      }
      exclusive(out, exclusiveMinimum, "minimum", 1);
      exclusive(out, exclusiveMaximum, "maximum", -1);
      JsonNode properties = out.get("properties");
      filterNames(out, "required", properties, removedProperties);
      filterNames(out, "propertyOrdering", properties, removedProperties);
      if (properties != null && properties.isEmpty() && !pointer.isEmpty()) {
        out.remove("properties");
      }
      // Each field once, plus the elements of the lists built here (values copied were charged by copy).
      charge(out.size() + out.path("enum").size() + out.path("type").size());
      return out;
    }

    private ObjectNode properties(JsonNode value, String at, int depth, Set<String> removed) {
      if (!value.isObject()) {
        throw new Invalid(at, "must be an object of property schemas, not " + kind(value));
      }
      ObjectNode properties = NODES.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> property = it.next();
        ObjectNode cleaned = schema(property.getValue(), at + "/" + escape(property.getKey()), depth + 1);
        if (cleaned == null) {
          removed.add(property.getKey());
        } else {
          properties.set(property.getKey(), cleaned);
        }
      }
      return properties;
    }

    /** Cleaned schemas of a list; {@code false} entries become {@code {}} when positions matter, else go. */
    private ArrayNode schemaList(JsonNode list, String at, int depth, boolean positional) {
      ArrayNode out = NODES.arrayNode();
      for (int i = 0; i < list.size(); i++) {
        ObjectNode cleaned = schema(list.get(i), at + "/" + i, depth + 1);
        if (cleaned != null) {
          out.add(cleaned);
        } else if (positional) {
          out.add(NODES.objectNode());
        }
      }
      return out;
    }

    private void putAlternatives(ObjectNode out, String key, JsonNode list, String at, int depth) {
      ArrayNode alternatives = schemaList(list, at, depth, false);
      if (!alternatives.isEmpty()) {
        out.set(key, alternatives);
      }
    }

    private JsonNode copy(JsonNode value) {
      charge(count(value));
      return value.deepCopy();
    }

    private void charge(int count) {
      nodes += count;
      budget.used += count;
      if (nodes > MAX_NODES) {
        throw new Invalid("", "is too large: more than " + MAX_NODES + " nodes once its references are inlined");
      }
      if (budget.used > MAX_REQUEST_NODES) {
        throw new Invalid("", "is too large: with the request's other tool schemas, more than " + MAX_REQUEST_NODES
            + " nodes once their references are inlined");
      }
    }

    /** JSON nodes in {@code value}, counted only up to what the budgets have left. */
    private int count(JsonNode value) {
      int count = 0;
      Deque<JsonNode> pending = new ArrayDeque<>();
      pending.push(value);
      while (!pending.isEmpty() && nodes + count <= MAX_NODES && budget.used + count <= MAX_REQUEST_NODES) {
        JsonNode next = pending.pop();
        count++;
        next.forEach(pending::push);
      }
      return count;
    }
  }

  /** {@code #} and {@code #/...} (URI-fragment encoded) to a JSON pointer; anything else is refused. */
  private static String targetPointer(String ref, String at) {
    if (!ref.startsWith("#")) {
      throw new Invalid(at, "refers to '" + ref + "' outside the schema; only references within it (#/...)"
          + " can be inlined");
    }
    String fragment = ref.substring(1);
    if (!fragment.isEmpty() && !fragment.startsWith("/")) {
      throw new Invalid(at, "refers to the anchor '" + ref + "'; only JSON-pointer references (#/...) can be"
          + " inlined");
    }
    try {
      return URLDecoder.decode(fragment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Invalid(at, "'" + ref + "' is not a valid URI fragment");
    }
  }

  /** A valid {@code type} (one name, or a list of distinct names), null when empty; unknown names are refused. */
  private static JsonNode type(JsonNode value, String at) {
    if (value == null) {
      return null;
    }
    if (value.isTextual()) {
      if (!TYPES.contains(value.asText())) {
        throw new Invalid(at, "'" + value.asText() + "' is not a JSON Schema type");
      }
      return value;
    }
    if (!value.isArray()) {
      throw new Invalid(at, "must be a type name or a list of them, not " + kind(value));
    }
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode name : value) {
      if (!name.isTextual() || !TYPES.contains(name.asText())) {
        throw new Invalid(at, name + " is not a JSON Schema type");
      }
      names.add(name.asText());
    }
    if (names.isEmpty()) {
      return null;
    }
    if (names.size() == 1) {
      return NODES.textNode(names.iterator().next());
    }
    ArrayNode list = NODES.arrayNode();
    names.forEach(list::add);
    return list;
  }

  private static boolean includes(JsonNode type, String name) {
    if (type.isTextual()) {
      return type.asText().equals(name);
    }
    for (JsonNode t : type) {
      if (t.asText().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** Adds {@code "null"} to a node's type; a node without a type already admits null. */
  private static void addNull(ObjectNode out) {
    JsonNode type = out.get("type");
    if (type == null || includes(type, "null")) {
      return;
    }
    ArrayNode list = NODES.arrayNode();
    if (type.isTextual()) {
      list.add(type.asText());
    } else {
      list.addAll((ArrayNode) type);
    }
    list.add("null");
    out.set("type", list);
  }

  private static void constant(ObjectNode out, JsonNode value) {
    if (value.isTextual() || value.isNumber()) {
      out.set("enum", NODES.arrayNode().add(value));
    } else if ((value.isNull() || value.isBoolean()) && !out.has("type")) {
      out.put("type", value.isNull() ? "null" : "boolean");
    }
  }

  private static void enumeration(ObjectNode out, JsonNode values) {
    if (!values.isArray()) {
      return;
    }
    ArrayNode kept = NODES.arrayNode();
    boolean withNull = false;
    for (JsonNode value : values) {
      if (value.isNull()) {
        withNull = true;
      } else if (value.isTextual() || value.isNumber()) {
        kept.add(value);
      } else {
        return;
      }
    }
    if (!kept.isEmpty()) {
      out.set("enum", kept);
      if (withNull) {
        addNull(out);
      }
    }
  }

  /** An exclusive bound as the inclusive one ({@code step} inside it for an integer), when tighter. */
  private static void exclusive(ObjectNode out, JsonNode bound, String inclusive, int step) {
    if (bound == null || !bound.isNumber()) {
      return;
    }
    JsonNode type = out.get("type");
    boolean integer = type != null && type.isTextual() && type.asText().equals("integer")
        && bound.isIntegralNumber() && bound.canConvertToLong();
    JsonNode value = integer ? integer(bound.longValue() + step) : bound;
    JsonNode current = out.get(inclusive);
    boolean tighter = current == null || (step > 0 ? value.doubleValue() > current.doubleValue()
        : value.doubleValue() < current.doubleValue());
    if (tighter) {
      out.set(inclusive, value);
    }
  }

  /** Keeps the distinct string names that {@code properties} declares; drops the keyword when none is left. */
  private static void filterNames(ObjectNode out, String key, JsonNode properties, Set<String> removed) {
    JsonNode names = out.get(key);
    if (names == null) {
      return;
    }
    Set<String> kept = new LinkedHashSet<>();
    for (JsonNode name : names) {
      if (name.isTextual() && properties != null && properties.has(name.asText()) && !removed.contains(name.asText())) {
        kept.add(name.asText());
      }
    }
    if (kept.isEmpty()) {
      out.remove(key);
    } else {
      ArrayNode list = NODES.arrayNode();
      kept.forEach(list::add);
      out.set(key, list);
    }
  }

  /** An allOf part into its node: properties and required united, other keywords where the node has none. */
  private static void mergeAllOf(ObjectNode out, ObjectNode part) {
    for (Iterator<Map.Entry<String, JsonNode>> it = part.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      JsonNode mine = out.get(key);
      if (mine == null) {
        out.set(key, value);
      } else if (key.equals("properties") && mine.isObject()) {
        value.fields().forEachRemaining(p -> {
          if (!mine.has(p.getKey())) {
            ((ObjectNode) mine).set(p.getKey(), p.getValue());
          }
        });
      } else if (key.equals("required") && mine.isArray()) {
        ((ArrayNode) mine).addAll((ArrayNode) value);
      }
    }
  }

  /** As the parser reads the number: an int when it fits, so cleaned and parsed schemas compare equal. */
  private static JsonNode integer(long value) {
    return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
  }

  /**
   * Adds the declared properties among {@code names} (a raw {@code required}, from where its own
   * node had not the properties) to the node's {@code required}.
   */
  private static void requireAlso(ObjectNode out, JsonNode names) {
    JsonNode properties = out.get("properties");
    if (names == null || !names.isArray() || properties == null) {
      return;
    }
    Set<String> required = new LinkedHashSet<>();
    out.path("required").forEach(name -> required.add(name.asText()));
    for (JsonNode name : names) {
      if (name.isTextual() && properties.has(name.asText())) {
        required.add(name.asText());
      }
    }
    if (!required.isEmpty()) {
      ArrayNode list = NODES.arrayNode();
      required.forEach(list::add);
      out.set("required", list);
    }
  }

  private static JsonNode requireArray(JsonNode value, String at) {
    if (!value.isArray()) {
      throw new Invalid(at, "must be a list of schemas, not " + kind(value));
    }
    return value;
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
