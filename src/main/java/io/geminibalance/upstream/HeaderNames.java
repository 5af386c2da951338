package io.geminibalance.upstream;

import java.util.Arrays;
import java.util.Locale;

/**
 * A small fixed set of header names, looked up case-insensitively without lower-casing (and so
 * copying) the name: it runs for every header of every request and answer.
 */
final class HeaderNames {
  /** The names by length; a name is only compared with the few of its own length. */
  private final String[][] byLength;

  HeaderNames(String... names) {
    int longest = Arrays.stream(names).mapToInt(String::length).max().orElse(0);
    byLength = new String[longest + 1][];
    for (int length = 0; length <= longest; length++) {
      int len = length;
      byLength[length] = Arrays.stream(names).filter(n -> n.length() == len)
          .map(n -> n.toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }
  }

  boolean contains(String name) {
    if (name.length() >= byLength.length) {
      return false;
    }
    for (String candidate : byLength[name.length()]) {
      if (candidate.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
