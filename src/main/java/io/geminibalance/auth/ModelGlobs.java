package io.geminibalance.auth;

import java.util.List;

/**
 * Which models a managed token may call: exact names or globs where {@code *} stands for any run
 * of characters ({@code gemini-2.5-*}, {@code *-flash}). A {@code models/} prefix on either side
 * is ignored, as the surfaces name models both ways. Matched without regular expressions: a glob is
 * the admin's text, and a backtracking pattern built from it would be theirs to make slow.
 */
public final class ModelGlobs {
  private static final String MODELS = "models/";

  private ModelGlobs() {}

  /** Whether {@code model} is allowed by {@code globs}; an empty list allows every model. */
  public static boolean allows(List<String> globs, String model) {
    if (globs.isEmpty()) {
      return true;
    }
    if (model == null) {
      return false;
    }
    String name = bare(model);
    for (String glob : globs) {
      if (matches(bare(glob), name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code globs} allow a call naming {@code requested}, which stands for the model
   * {@code base}: a virtual name ({@code gemini-2.5-pro-search}, the image chat model) is its base
   * model with a tool or setting, so a list allowing the base allows it, and a list naming it
   * itself allows it too, without its base. The one rule of every list, lookup and call; a name
   * that stands for no other model passes itself as {@code base}.
   */
  public static boolean allows(List<String> globs, String requested, String base) {
    return allows(globs, requested) || base != null && allows(globs, base);
  }

  /** Whether {@code text} matches {@code glob} as a whole ({@code *}: any run, empty included). */
  public static boolean matches(String glob, String text) {
    int g = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    // Greedy with one backtrack point (the last star): linear in practice, never exponential.
    while (t < text.length()) {
      if (g < glob.length() && glob.charAt(g) == '*') {
        star = g++;
        resume = t;
      } else if (g < glob.length() && glob.charAt(g) == text.charAt(t)) {
        g++;
        t++;
      } else if (star >= 0) {
        g = star + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }

  private static String bare(String name) {
    String stripped = name.strip();
    return stripped.startsWith(MODELS) ? stripped.substring(MODELS.length()) : stripped;
  }
}
