package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.protocol.gemini.ModelAliases;
import io.geminibalance.protocol.gemini.ModelIdSyntax;
import java.util.Collection;
import java.util.Objects;

/**
 * A model id as a client requested it, split into the upstream base model and the
 * gateway's virtual suffixes ({@code -search}, {@code -image}, {@code -non-thinking}).
 *
 * <p>Suffixes are peeled from the end in any order, so {@code gemini-2.5-flash-search-non-thinking}
 * and {@code gemini-2.5-flash-non-thinking-search} both mean the same thing. Each suffix counts once.
 *
 * <p>{@code -image} is special: Google ships real models whose names end in {@code -image}
 * ({@code gemini-2.5-flash-image}). So {@code -image} is only read as the virtual suffix when
 * the base it leaves is a configured image model; otherwise it stays part of the base.
 *
 * @param requested the id exactly as the client sent it (echoed back in responses and errors)
 * @param base the upstream model id, without {@code models/} and without virtual suffixes
 */
public record ModelName(String requested, String base, boolean search, boolean image, boolean nonThinking) {

  /** The code of every error about a model name that is there but unusable, on every OpenAI surface. */
  public static final String INVALID = "invalid_model";
  /** The code of a request without a model, as OpenAI answers it. */
  public static final String MISSING = "missing_required_parameter";

  private static final String PREFIX = "models/";
  private static final String SEARCH = "-search";
  private static final String IMAGE = "-image";
  private static final String NON_THINKING = "-non-thinking";

  public ModelName {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(base, "base");
  }

  /**
   * Parses a requested id; never fails, an id without suffixes is its own base.
   *
   * @param imageModels base models for which {@code -image} is a virtual suffix
   */
  public static ModelName parse(String requested, Collection<String> imageModels) {
    ModelName greedy = peel(requested, true);
    if (greedy.image() && !imageModels.contains(greedy.base())) {
      return peel(requested, false);
    }
    return greedy;
  }

  /**
   * As {@link #parse(String, Collection)} for the model {@code requested} stands for under
   * {@code aliases}: suffixes are read from the alias's target, {@link #requested()} stays as sent.
   */
  public static ModelName parse(String requested, Collection<String> imageModels,
      ModelAliases aliases) {
    String resolved = aliases.resolve(requested);
    if (resolved.equals(requested)) {
      return parse(requested, imageModels);
    }
    ModelName target = parse(resolved, imageModels);
    return new ModelName(requested, target.base(), target.search(), target.image(), target.nonThinking());
  }

  private static ModelName peel(String requested, boolean imageAllowed) {
    String rest = stripPrefix(requested.trim());
    boolean search = false;
    boolean image = false;
    boolean nonThinking = false;
    boolean peeled = true;
    while (peeled) {
      peeled = false;
      if (!search && endsWithSuffix(rest, SEARCH)) {
        rest = cut(rest, SEARCH);
        search = peeled = true;
      } else if (imageAllowed && !image && endsWithSuffix(rest, IMAGE)) {
        rest = cut(rest, IMAGE);
        image = peeled = true;
      } else if (!nonThinking && endsWithSuffix(rest, NON_THINKING)) {
        rest = cut(rest, NON_THINKING);
        nonThinking = peeled = true;
      }
    }
    return new ModelName(requested, rest, search, image, nonThinking);
  }

  /**
   * The {@code model} field of an OpenAI request body, as sent, once it is a well-formed id. All
   * OpenAI surfaces read it here, so a bad one gets the same answer on each: a missing or blank
   * model {@value #MISSING}, anything but a string or a malformed id {@value #INVALID}.
   *
   * @throws TranslationException naming {@code model}
   */
  public static String requiredIn(JsonNode request) {
    JsonNode value = request.get("model");
    if (value == null || value.isNull() || value.isTextual() && value.asText().isBlank()) {
      throw new TranslationException("model", "Missing required parameter: 'model'.", MISSING);
    }
    if (!value.isTextual()) {
      throw new TranslationException("model", "'model' must be a string", INVALID);
    }
    requireWellFormed(value.asText());
    return value.asText();
  }

  /**
   * Checks that {@code requested} (with or without {@code models/}) is a well-formed model id, as
   * {@link ModelIdSyntax} defines it, before it goes anywhere near an upstream path.
   *
   * @throws TranslationException naming {@code model}, quoting at most a short excerpt of the id
   */
  public static void requireWellFormed(String requested) {
    String id = stripPrefix(requested);
    String problem = ModelIdSyntax.problem(id);
    if (problem != null) {
      throw new TranslationException("model", "Invalid model name: " + problem, INVALID);
    }
  }

  /** Strips one leading {@code models/}, as the OpenAI surface accepts both spellings. */
  public static String stripPrefix(String id) {
    return id.startsWith(PREFIX) ? id.substring(PREFIX.length()) : id;
  }

  /** True when the requested id carries any virtual suffix. */
  public boolean isVirtual() {
    return search || image || nonThinking;
  }

  // A bare "-search" must not peel down to an empty base model.
  private static boolean endsWithSuffix(String id, String suffix) {
    return id.length() > suffix.length() && id.endsWith(suffix);
  }

  private static String cut(String id, String suffix) {
    return id.substring(0, id.length() - suffix.length());
  }
}
