package io.geminibalance.protocol.gemini;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MODEL_ALIASES: names a client may send in place of a Gemini model id, on every surface. One
 * lookup, no chains: an alias resolves to its target, which is used as it is (an alias to another
 * alias is not followed again). Both sides are model ids as {@link ModelIdSyntax} defines them,
 * with or without {@code models/}; the lookup is exact (case-sensitive), on the whole id the client
 * sent without {@code models/}, so an alias may also stand for a virtual model such as
 * {@code gemini-2.5-flash-search}. Answers keep echoing the name the client sent.
 *
 * <p>Every surface calls {@link #resolve} on the model it is about to use, before anything else
 * reads the id (suffixes, quotas, the upstream path): native model paths, OpenAI's {@code model}
 * fields, and any new surface. With no alias configured it returns its argument at once.
 */
public final class ModelAliases {
  /** No aliases. */
  public static final ModelAliases NONE = new ModelAliases(Map.of());

  private final Map<String, String> targets;

  private ModelAliases(Map<String, String> targets) {
    this.targets = targets;
  }

  /**
   * Builds the aliases from alias -> target pairs.
   *
   * @throws IllegalArgumentException naming the first alias or target that is not a well-formed model id
   */
  public static ModelAliases of(Map<String, String> aliases) {
    if (aliases.isEmpty()) {
      return NONE;
    }
    Map<String, String> targets = new LinkedHashMap<>();
    aliases.forEach((alias, target) -> {
      String name = stripPrefix(alias);
      String aliasProblem = ModelIdSyntax.problem(name);
      if (aliasProblem != null) {
        throw new IllegalArgumentException("alias: " + aliasProblem);
      }
      if (target == null) {
        throw new IllegalArgumentException("the target of alias '" + name + "' must be a model id string");
      }
      String model = stripPrefix(target.trim());
      String targetProblem = ModelIdSyntax.problem(model);
      if (targetProblem != null) {
        throw new IllegalArgumentException("the target of alias '" + name + "': " + targetProblem);
      }
      targets.put(name, model);
    });
    return new ModelAliases(java.util.Collections.unmodifiableMap(targets));
  }

  /**
   * The model {@code requested} stands for: its alias's target (without {@code models/}), or
   * {@code requested} itself, unchanged, when it is no alias.
   */
  public String resolve(String requested) {
    if (targets.isEmpty() || requested == null) {
      return requested;
    }
    String target = targets.get(stripPrefix(requested));
    return target == null ? requested : target;
  }

  /** Whether no alias is configured. */
  public boolean isEmpty() {
    return targets.isEmpty();
  }

  /** Alias -> target, without {@code models/}, in the order the setting lists them. */
  public Map<String, String> entries() {
    return targets;
  }

  private static String stripPrefix(String id) {
    return id.startsWith("models/") ? id.substring("models/".length()) : id;
  }
}
