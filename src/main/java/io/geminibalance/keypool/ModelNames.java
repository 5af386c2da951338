package io.geminibalance.keypool;

import java.util.List;

/**
 * Maps a requested model name to the base model Google counts the request against. Virtual
 * models (gemini-balance's {@code -search}, {@code -image}, {@code -non-thinking}) are the same
 * upstream model with extra request fields, so they share its quota.
 */
public final class ModelNames {
  private static final String PREFIX = "models/";
  private static final List<String> VIRTUAL_SUFFIXES = List.of("-search", "-image", "-non-thinking");

  private ModelNames() {}

  /** {@code models/gemini-2.5-flash-search-non-thinking} becomes {@code gemini-2.5-flash}. */
  public static String base(String model) {
    String name = model.strip();
    if (name.startsWith(PREFIX)) {
      name = name.substring(PREFIX.length());
    }
    boolean stripped = true;
    while (stripped) {
      stripped = false;
      for (String suffix : VIRTUAL_SUFFIXES) {
        if (name.endsWith(suffix) && name.length() > suffix.length()) {
          name = name.substring(0, name.length() - suffix.length());
          stripped = true;
        }
      }
    }
    return name;
  }
}
