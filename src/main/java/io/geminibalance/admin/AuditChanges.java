package io.geminibalance.admin;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.SettingsCatalog;
import io.geminibalance.storage.AuditEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The masked before/after of admin changes, as the audit log and its WARN lines show them. Pure.
 * Settings that are not secret appear as they are (cut at {@value #MAX_VALUE_CHARS} characters).
 * Secrets never appear whole: a token or key shows its last 4 characters, and only when it is long
 * enough ({@value #MIN_LENGTH_FOR_LAST4} characters) that 4 of them give little away, otherwise
 * "(hidden)"; lists of them show how many and which were added and removed (at most
 * {@value #MAX_LISTED} of each named); JSON objects (CUSTOM_HEADERS) show their names only.
 */
final class AuditChanges {
  static final int MAX_VALUE_CHARS = 256;
  static final int MAX_LISTED = 10;
  static final int MIN_LENGTH_FOR_LAST4 = 12;
  static final String UNSET = "(unset)";
  static final String UNCHANGED = "(unchanged)";
  static final String REVEALED = "(revealed)";

  private AuditChanges() {}

  /** One change per name, from the values in force before to those after. */
  static List<AuditEntry.Change> of(Collection<String> names, Map<String, String> before, Map<String, String> after) {
    List<AuditEntry.Change> changes = new ArrayList<>();
    for (String name : names) {
      changes.add(of(name, before.get(name), after.get(name)));
    }
    return changes;
  }

  /**
   * Whether the value in force stays the same: equal once trimmed, or for a list of secrets the
   * same items (what {@link #of} shows as {@value #UNCHANGED}). Compared on the values, not on
   * what {@link #of} shows, which for a plain setting could be the text "(unchanged)" itself.
   */
  static boolean unchanged(String name, String before, String after) {
    String old = blankToNull(before);
    String next = blankToNull(after);
    if (Objects.equals(old, next)) {
      return true;
    }
    boolean secret = SettingsCatalog.find(name).map(SettingsCatalog.Definition::secret).orElse(true);
    return secret && !isObject(old) && !isObject(next) && (isList(old) || isList(next))
        && new LinkedHashSet<>(items(name, old)).equals(new LinkedHashSet<>(items(name, next)));
  }

  static AuditEntry.Change of(String name, String before, String after) {
    boolean secret = SettingsCatalog.find(name).map(SettingsCatalog.Definition::secret).orElse(true);
    String old = blankToNull(before);
    String next = blankToNull(after);
    if (!secret) {
      return new AuditEntry.Change(name, plain(old), Objects.equals(old, next) ? UNCHANGED : plain(next));
    }
    if (isObject(old) || isObject(next)) {
      return new AuditEntry.Change(name, objectNames(name, old), Objects.equals(old, next) ? UNCHANGED : objectNames(name, next));
    }
    if (isList(old) || isList(next)) {
      return list(name, items(name, old), items(name, next));
    }
    return new AuditEntry.Change(name, masked(old), Objects.equals(old, next) ? UNCHANGED
        : masked(next).equals(masked(old)) ? "changed" : masked(next));
  }

  /**
   * A secret shown to an admin: the value as the audit log shows it (masked), with
   * {@value #REVEALED} in place of a new value, since nothing changed.
   */
  static AuditEntry.Change revealed(String name, String value) {
    return new AuditEntry.Change(name, of(name, value, value).oldValue(), REVEALED);
  }

  /** A list of secrets (API_KEYS, ALLOWED_TOKENS): how many before, and after with what was added and removed. */
  static AuditEntry.Change list(String name, List<String> before, List<String> after) {
    Set<String> old = new LinkedHashSet<>(before);
    Set<String> next = new LinkedHashSet<>(after);
    if (old.equals(next)) {
      return new AuditEntry.Change(name, count(old.size()), UNCHANGED);
    }
    List<String> added = next.stream().filter(item -> !old.contains(item)).toList();
    List<String> removed = old.stream().filter(item -> !next.contains(item)).toList();
    StringBuilder description = new StringBuilder(count(next.size()));
    if (!added.isEmpty()) {
      description.append("; added ").append(maskedList(added));
    }
    if (!removed.isEmpty()) {
      description.append("; removed ").append(maskedList(removed));
    }
    return new AuditEntry.Change(name, count(old.size()), description.toString());
  }

  /** A secret reduced to {@code ...abcd}, or "(hidden)" when too short for that to be safe. */
  static String masked(String secret) {
    if (secret == null) {
      return UNSET;
    }
    return secret.length() >= MIN_LENGTH_FOR_LAST4 ? "..." + secret.substring(secret.length() - 4) : "(hidden)";
  }

  private static String plain(String value) {
    if (value == null) {
      return UNSET;
    }
    return value.length() <= MAX_VALUE_CHARS ? value : value.substring(0, MAX_VALUE_CHARS) + "... (cut)";
  }

  private static String maskedList(List<String> secrets) {
    StringBuilder out = new StringBuilder();
    Iterator<String> it = secrets.iterator();
    for (int i = 0; i < MAX_LISTED && it.hasNext(); i++) {
      out.append(i == 0 ? "" : ", ").append(masked(it.next()));
    }
    if (secrets.size() > MAX_LISTED) {
      out.append(" and ").append(secrets.size() - MAX_LISTED).append(" more");
    }
    return out.toString();
  }

  private static String count(int n) {
    return n == 1 ? "1 item" : n + " items";
  }

  private static boolean isObject(String value) {
    return value != null && value.startsWith("{");
  }

  private static boolean isList(String value) {
    return value != null && (value.startsWith("[") || value.contains(","));
  }

  private static List<String> items(String name, String value) {
    if (value == null) {
      return List.of();
    }
    try {
      return ConfigValues.listItems(name, value);
    } catch (ConfigException e) {
      return List.of(value);
    }
  }

  /** The names of a JSON object's members, values hidden; "(set)" when it does not parse. */
  private static String objectNames(String name, String value) {
    if (value == null) {
      return UNSET;
    }
    try {
      Map<String, String> map = new ConfigValues(Map.of(name, value)).stringMap(name);
      return map.isEmpty() ? "{}" : plain("{" + String.join(", ", map.keySet()) + "} (values hidden)");
    } catch (ConfigException e) {
      return "(set)";
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
