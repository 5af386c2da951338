package io.geminibalance.relay;

/** Reads of the raw query string (credentials are stripped by {@code GoogleQuery}). */
final class QueryStrings {
  private QueryStrings() {}

  /** Whether {@code alt=sse} is among the parameters. */
  static boolean wantsSse(String rawQuery) {
    if (rawQuery == null) {
      return false;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.equalsIgnoreCase("alt=sse")) {
        return true;
      }
    }
    return false;
  }
}
