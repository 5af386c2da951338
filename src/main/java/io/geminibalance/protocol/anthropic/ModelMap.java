package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.protocol.gemini.ModelIdSyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which Gemini model serves a model name an Anthropic client sends (ANTHROPIC_MODEL_MAP): rules of
 * glob to Gemini model, tried in the order declared, the first match wins; {@code *} stands for
 * any run of characters, matching ignores case. A name no rule matches is a Gemini name and passes
 * through, except a {@code claude...} name: serving it with some arbitrary model would hide a
 * missing rule, so it is a 404 naming the model and the setting.
 */
public final class ModelMap {
  private static final String MODELS_PREFIX = "models/";

  /** One rule: a glob over requested names and the Gemini model it maps to. */
  public record Rule(String glob, String model, Pattern pattern) {}

  private final List<Rule> rules;

  private ModelMap(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * The rules of a JSON object of glob to model name, in its order.
   *
   * @throws IllegalArgumentException naming the entry at fault
   */
  public static ModelMap parse(JsonNode map) {
    List<Rule> rules = new ArrayList<>();
    if (map == null) {
      return new ModelMap(rules);
    }
    for (Map.Entry<String, JsonNode> entry : map.properties()) {
      String glob = entry.getKey();
      if (glob.isBlank()) {
        throw new IllegalArgumentException("an empty glob matches nothing");
      }
      JsonNode model = entry.getValue();
      if (!model.isTextual()) {
        throw new IllegalArgumentException("the model of '" + glob + "' must be a string");
      }
      String id = stripPrefix(model.asText());
      String problem = ModelIdSyntax.problem(id);
      if (problem != null) {
        throw new IllegalArgumentException("the model of '" + glob + "': " + problem);
      }
      rules.add(new Rule(glob, id, compile(glob)));
    }
    return new ModelMap(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  /**
   * The Gemini model for {@code requested} (already checked to be a string).
   *
   * @throws AnthropicRequestException 404 for a Claude name no rule maps, 400 for a malformed name
   */
  public String resolve(String requested) {
    Optional<Rule> rule = rules.stream().filter(r -> r.pattern().matcher(requested).matches()).findFirst();
    if (rule.isPresent()) {
      return rule.get().model();
    }
    String id = stripPrefix(requested);
    if (id.toLowerCase(Locale.ROOT).startsWith("claude")) {
      throw new AnthropicRequestException(404, "model", requested + " is not mapped to a Gemini model;"
          + " add a glob for it to ANTHROPIC_MODEL_MAP, or send a Gemini model name");
    }
    String problem = ModelIdSyntax.problem(id);
    if (problem != null) {
      throw new AnthropicRequestException("model", "invalid model name: " + problem);
    }
    return id;
  }

  private static String stripPrefix(String id) {
    return id.startsWith(MODELS_PREFIX) ? id.substring(MODELS_PREFIX.length()) : id;
  }

  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    int start = 0;
    for (int star = glob.indexOf('*'); star >= 0; star = glob.indexOf('*', start)) {
      regex.append(Pattern.quote(glob.substring(start, star))).append(".*");
      start = star + 1;
    }
    regex.append(Pattern.quote(glob.substring(start)));
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
  }
}
