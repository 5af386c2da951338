package io.geminibalance.protocol.gemini;

/**
 * What a model id may look like wherever a client's model enters an upstream path (the native
 * path, the OpenAI {@code model} field, {@code models/{id}}): the characters Google uses in its
 * ids ({@code gemini-2.5-flash-preview-05-20}, {@code imagen-4.0-generate-001},
 * {@code learnlm-2.0-flash-experimental}, tuned models' {@code my-model-x1y2z3}), that is ASCII
 * letters, digits, {@code -}, {@code .} and {@code _}, starting with a letter or digit (so never
 * {@code .} or {@code ..}), at most {@value #MAX_LENGTH} characters. The gateway's virtual
 * suffixes ({@code -search}, {@code -image}, {@code -non-thinking}) are made of the same
 * characters. Unknown but well-formed models still go upstream; Google decides whether they exist.
 */
public final class ModelIdSyntax {
  /** Google's longest ids are around 50 characters; tuned model ids are at most 40. */
  public static final int MAX_LENGTH = 128;

  private static final String RULE =
      "model names are letters, digits, '-', '.' and '_', start with a letter or digit, and have at most "
          + MAX_LENGTH + " characters";

  private ModelIdSyntax() {}

  /** What is wrong with {@code id}, or {@code null} when it is a well-formed model id. */
  public static String problem(String id) {
    return problem(id, 0, id.length());
  }

  /**
   * What is wrong with the model id {@code text[from, to)}, or {@code null} when it is well formed.
   * The answer quotes at most a short excerpt of the id, never all of it.
   */
  public static String problem(CharSequence text, int from, int to) {
    int length = to - from;
    if (length == 0) {
      return "the name is empty; " + RULE;
    }
    if (length > MAX_LENGTH) {
      return PathSegments.quote(text, from, to) + " is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (alphanumeric || (i > from && (c == '-' || c == '.' || c == '_'))) {
        continue;
      }
      return PathSegments.quote(text, from, to) + " has " + offending(text, i, to) + " at position "
          + (i - from + 1) + "; " + RULE;
    }
    return null;
  }

  private static String offending(CharSequence text, int at, int to) {
    char c = text.charAt(at);
    if (c == '%' && at + 2 < to
        && Character.digit(text.charAt(at + 1), 16) >= 0 && Character.digit(text.charAt(at + 2), 16) >= 0) {
      return "the percent-encoded character '" + text.subSequence(at, at + 3) + "'";
    }
    return PathSegments.describe(c);
  }
}
