package io.geminibalance.admin;

import java.util.Locale;
import java.util.function.Function;

/**
 * The query of {@code GET /api/keys}: gemini-balance's parameters ({@code page}, {@code limit},
 * {@code search}, {@code fail_count_threshold}, {@code status}) and ours ({@code sort},
 * {@code order}, {@code state}, {@code model}). Parsed and checked here, once; a bad value is a
 * {@link BadRequest} naming the parameter.
 *
 * @param search lower-cased, or null for none
 * @param failCountThreshold keys with at least this many failures, or null for any
 * @param state keys in this state, or null for any
 * @param model the model whose state {@code state} and {@code sort=used_today} look at, or null for all
 */
record KeyQuery(int page, int limit, String search, Integer failCountThreshold, Status status, Sort sort,
    boolean descending, KeyState state, String model) {

  static final int MAX_LIMIT = 500;
  static final int MAX_SEARCH = 200;

  /** gemini-balance's valid (enabled) and invalid (disabled) keys. */
  enum Status { ALL, VALID, INVALID }

  enum Sort { ADDED, FAIL_COUNT, LAST_ERROR_AT, USED_TODAY }

  /** What a key can do: for one model, or (without {@code model}) for any. */
  enum KeyState { USABLE, COOLING, PARKED, DISABLED, MODEL_DISABLED }

  static KeyQuery parse(Function<String, String> param) {
    int page = integer(param, "page", 1, 1, Integer.MAX_VALUE);
    int limit = integer(param, "limit", 10, 1, MAX_LIMIT);
    String search = blankToNull(param.apply("search"));
    if (search != null && search.length() > MAX_SEARCH) {
      throw new BadRequest("search", "at most " + MAX_SEARCH + " characters");
    }
    String threshold = blankToNull(param.apply("fail_count_threshold"));
    Integer failCountThreshold = threshold == null ? null
        : integer(param, "fail_count_threshold", 0, 0, Integer.MAX_VALUE);
    Status status = choice(param, "status", Status.class, Status.ALL);
    Sort sort = choice(param, "sort", Sort.class, Sort.ADDED);
    String order = blankToNull(param.apply("order"));
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw new BadRequest("order", "expected asc or desc, got '" + cut(order) + "'");
    }
    boolean descending = order == null ? sort != Sort.ADDED : order.equals("desc");
    KeyState state = choice(param, "state", KeyState.class, null);
    String model = blankToNull(param.apply("model"));
    return new KeyQuery(page, limit, search == null ? null : search.toLowerCase(Locale.ROOT), failCountThreshold,
        status, sort, descending, state, model);
  }

  private static int integer(Function<String, String> param, String name, int fallback, int min, int max) {
    String text = blankToNull(param.apply(name));
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value < min || value > max) {
        throw new BadRequest(name, "expected " + min + ".." + max + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new BadRequest(name, "expected a whole number " + min + ".." + max + ", got '" + cut(text) + "'");
    }
  }

  private static <E extends Enum<E>> E choice(Function<String, String> param, String name, Class<E> type,
      E fallback) {
    String text = blankToNull(param.apply(name));
    if (text == null || (fallback == null && text.equals("all"))) {
      return fallback;
    }
    for (E value : type.getEnumConstants()) {
      if (value.name().toLowerCase(Locale.ROOT).equals(text)) {
        return value;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E value : type.getEnumConstants()) {
      allowed.append(allowed.isEmpty() ? "" : ", ").append(value.name().toLowerCase(Locale.ROOT));
    }
    throw new BadRequest(name, "expected one of " + allowed + ", got '" + cut(text) + "'");
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }

  /** A client's value as an error quotes it: short, since it may be a pasted secret. */
  static String cut(String text) {
    return text.length() <= 24 ? text : text.substring(0, 8) + "...(" + text.length() + " characters)";
  }
}
