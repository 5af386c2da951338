package io.geminibalance.relay;

/** Query-string editing that keeps every parameter byte-for-byte except the ones removed. */
final class QueryStrings {
  private QueryStrings() {}

  /** The raw query without any {@code key=} parameter (the client's credential). */
  static String withoutKey(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    StringBuilder kept = new StringBuilder(rawQuery.length());
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty() || pair.equals("key") || pair.startsWith("key=")) {
        continue;
      }
      if (!kept.isEmpty()) {
        kept.append('&');
      }
      kept.append(pair);
    }
    return kept.toString();
  }

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
