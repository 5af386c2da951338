package io.geminibalance.keypool;

import java.util.Comparator;
import java.util.List;

/**
 * Google's published free-tier request limits per model, the starting point of {@code auto}
 * limits (DEFAULT_RPM / DEFAULT_RPD = auto). The figures, their source and date are in
 * docs/rate-limits.md; update both together. A model is matched by the longest name prefix in
 * the table ({@code gemini-2.5-flash-lite-preview-09-2025} by {@code gemini-2.5-flash-lite}), so a
 * dated preview inherits its family's row. A model the table does not know gets {@link #UNKNOWN}:
 * the limits the gateway used for every model before, so a made-up or new name never gets more.
 *
 * <p>The rows are the free tier on purpose: it is the lowest tier, so no key is refused by Google
 * below them, and keys of paid projects prove more by probing (see {@link QuotaCell#tryTake}).
 */
public final class FreeTierLimits {
  private FreeTierLimits() {}

  /** One row: requests per minute and per day for one project and model on the free tier. */
  public record Row(String modelPrefix, int rpm, int rpd) {}

  /** For models the table does not know. */
  public static final Row UNKNOWN = new Row("", 5, 100);

  /** Longest prefix first, so the first match is the most specific row. */
  private static final List<Row> ROWS = List.of(
      new Row("gemini-2.5-pro", 5, 100),
      new Row("gemini-2.5-flash", 10, 250),
      new Row("gemini-2.5-flash-lite", 15, 1_000),
      new Row("gemini-2.5-flash-preview-tts", 3, 15),
      new Row("gemini-2.0-flash", 15, 200),
      new Row("gemini-2.0-flash-lite", 30, 200),
      new Row("gemma-3", 30, 14_400),
      new Row("gemini-embedding", 100, 1_000),
      new Row("text-embedding-004", 100, 1_000))
      .stream().sorted(Comparator.comparingInt((Row r) -> r.modelPrefix().length()).reversed()).toList();

  /** The row of a base model name ({@link ModelNames#base}); {@link #UNKNOWN} when none matches. */
  public static Row of(String baseModel) {
    for (Row row : ROWS) {
      if (baseModel.startsWith(row.modelPrefix())) {
        return row;
      }
    }
    return UNKNOWN;
  }

  /** Every row, most specific first (for the docs test). */
  public static List<Row> rows() {
    return ROWS;
  }
}
