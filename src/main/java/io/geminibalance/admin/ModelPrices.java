package io.geminibalance.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.storage.UsageSums;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * MODEL_PRICES: USD per million tokens by model, for the estimated cost of /api/usage. A model
 * name is looked up exactly first, then against the {@code *} globs, the longest glob first (the
 * most specific). Thinking tokens are billed as output; cached prompt tokens at {@code cached_input},
 * or at {@code input} when no cached price is given.
 */
public final class ModelPrices {
  static final String SETTING = "MODEL_PRICES";
  private static final Set<String> FIELDS = Set.of("input", "output", "cached_input");
  private static final String EXPECTED =
      "a JSON object of model (or glob with *) to {\"input\": 1.25, \"output\": 10, \"cached_input\": 0.31},"
          + " USD per million tokens";

  /** One model's prices, USD per million tokens. */
  public record Price(double input, double output, double cachedInput) {}

  private record Glob(String pattern, Pattern regex, Price price) {}

  public static final ModelPrices NONE = new ModelPrices(Map.of(), List.of());

  private final Map<String, Price> exact;
  private final List<Glob> globs;

  private ModelPrices(Map<String, Price> exact, List<Glob> globs) {
    this.exact = exact;
    this.globs = globs;
  }

  /**
   * Reads and validates MODEL_PRICES.
   *
   * @throws ConfigException naming MODEL_PRICES, and the model and field at fault
   */
  public static ModelPrices from(ConfigValues values) {
    JsonNode map = values.jsonObject(SETTING);
    if (map == null || map.isEmpty()) {
      return NONE;
    }
    Map<String, Price> exact = new LinkedHashMap<>();
    List<Glob> globs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : map.properties()) {
      String model = entry.getKey();
      Price price = price(model, entry.getValue());
      if (model.isBlank()) {
        throw problem(model, "an empty model name");
      }
      if (model.contains("*")) {
        globs.add(new Glob(model, globRegex(model), price));
      } else {
        exact.put(model, price);
      }
    }
    globs.sort(Comparator.comparingInt((Glob g) -> g.pattern().length()).reversed());
    return new ModelPrices(Map.copyOf(exact), List.copyOf(globs));
  }

  private static Price price(String model, JsonNode node) {
    if (!node.isObject()) {
      throw problem(model, "not an object");
    }
    for (String field : (Iterable<String>) node::fieldNames) {
      if (!FIELDS.contains(field)) {
        throw problem(model, "unknown field '" + field + "'");
      }
    }
    double input = amount(model, node, "input");
    double output = amount(model, node, "output");
    double cached = node.has("cached_input") ? amount(model, node, "cached_input") : input;
    return new Price(input, output, cached);
  }

  private static double amount(String model, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      throw problem(model, "field '" + field + "' missing");
    }
    if (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < 0) {
      throw problem(model, "field '" + field + "' is not a number of 0 or more");
    }
    return value.asDouble();
  }

  private static ConfigException problem(String model, String problem) {
    return new ConfigException(SETTING, SETTING + ": model " + ConfigException.quoted(model) + ": " + problem
        + " (expected: " + EXPECTED + ")");
  }

  /** {@code *} matches any run of characters; everything else itself. */
  private static Pattern globRegex(String glob) {
    List<String> parts = new ArrayList<>();
    for (String part : glob.split("\\*", -1)) {
      parts.add(Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", parts));
  }

  /** The price of {@code model}, or null when MODEL_PRICES does not name it. */
  public Price priceOf(String model) {
    if (model == null) {
      return null;
    }
    Price price = exact.get(model);
    if (price != null) {
      return price;
    }
    for (Glob glob : globs) {
      if (glob.regex().matcher(model).matches()) {
        return glob.price();
      }
    }
    return null;
  }

  /** The estimated cost in USD of {@code sums} on {@code model}, or null when its price is unknown. */
  public Double cost(String model, UsageSums sums) {
    Price price = priceOf(model);
    if (price == null) {
      return null;
    }
    double uncached = Math.max(0, sums.prompt() - sums.cached());
    return (uncached * price.input() + sums.cached() * price.cachedInput()
        + (sums.output() + sums.thinking()) * price.output()) / 1_000_000d;
  }
}
