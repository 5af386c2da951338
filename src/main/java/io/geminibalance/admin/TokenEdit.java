package io.geminibalance.admin;

import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.TokenLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fields of a {@code POST /api/tokens} or {@code PATCH /api/tokens/{id}} body, checked: a field
 * left out stays as it was ({@code null} here), so one value serves creation (over the defaults)
 * and a partial update. Pure: a bad field is a {@link BadRequest} naming it ({@code limits.rpm},
 * {@code cidrs[2]}); unknown fields are refused, so a misspelt limit is never silently ignored.
 *
 * @param limits the limits named in the body (a null value: no limit); the others stay
 * @param expiresSet whether {@code expires_at} was in the body ({@code expiresAt} null: never)
 */
record TokenEdit(String name, List<String> models, Set<ClientProtocol> protocols, Map<String, Long> limits,
    boolean expiresSet, Instant expiresAt, List<String> cidrs, Boolean enabled) {

  static final int MAX_NAME_CHARS = 100;
  static final int MAX_LIST_ITEMS = 100;
  static final int MAX_MODEL_CHARS = 128;
  static final Set<String> FIELDS = Set.of("name", "models", "protocols", "limits", "expires_at", "cidrs", "enabled");
  /** Each limit's name in the API and its upper bound: far above any real use, below what counters overflow on. */
  static final Map<String, Long> LIMIT_BOUNDS = Map.of("rpm", 10_000_000L, "rpd", 10_000_000_000L,
      "tpm", 100_000_000_000L, "tpd", 100_000_000_000_000L, "max_concurrent", 100_000L);
  /** A model name or glob: the characters of Gemini's model names, {@code /} for {@code models/...}, {@code *}. */
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._*/-]+");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  /** Hex groups and colons, possibly ending in an IPv4 address; no zone id (it names a local interface). */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

  TokenEdit {
    limits = limits == null ? Map.of() : limits;
  }

  /** Reads and checks {@code body}; {@code now} for the expiry, which must lie ahead. */
  static TokenEdit parse(JsonObject body, Instant now) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new BadRequest(field, "unknown field (expected " + String.join(", ", FIELDS.stream().sorted().toList())
            + ")");
      }
    }
    String name = body.containsKey("name") ? name(body.getValue("name")) : null;
    List<String> models = body.containsKey("models") ? models(body.getValue("models")) : null;
    Set<ClientProtocol> protocols = body.containsKey("protocols") ? protocols(body.getValue("protocols")) : null;
    Map<String, Long> limits = body.containsKey("limits") ? limits(body.getValue("limits")) : Map.of();
    boolean expiresSet = body.containsKey("expires_at");
    Instant expires = expiresSet ? expiry(body.getValue("expires_at"), now) : null;
    List<String> cidrs = body.containsKey("cidrs") ? cidrs(body.getValue("cidrs")) : null;
    Boolean enabled = null;
    if (body.containsKey("enabled")) {
      if (!(body.getValue("enabled") instanceof Boolean flag)) {
        throw new BadRequest("enabled", "expected true or false");
      }
      enabled = flag;
    }
    return new TokenEdit(name, models, protocols, limits, expiresSet, expires, cidrs, enabled);
  }

  /** True when the body named no field at all. */
  boolean empty() {
    return name == null && models == null && protocols == null && limits.isEmpty() && !expiresSet && cidrs == null
        && enabled == null;
  }

  /** {@code base} with the fields this edit names replaced, updated at {@code now}. */
  ClientToken applyTo(ClientToken base, Instant now) {
    TokenLimits was = base.limits();
    TokenLimits next = new TokenLimits(limit("rpm", was.requestsPerMinute()), limit("rpd", was.requestsPerDay()),
        limit("tpm", was.tokensPerMinute()), limit("tpd", was.tokensPerDay()),
        limits.containsKey("max_concurrent") ? toInt(limits.get("max_concurrent")) : was.maxConcurrent());
    return new ClientToken(base.id(), name != null ? name : base.name(), base.hash(), base.last4(),
        models != null ? models : base.models(), protocols != null ? protocols : base.protocols(), next,
        expiresSet ? expiresAt : base.expiresAt(), cidrs != null ? cidrs : base.cidrs(),
        enabled != null ? enabled : base.enabled(), base.revokedAt(), base.createdAt(), now);
  }

  /** The limit {@code name} as this edit sets it, or {@code was} when the edit does not name it. */
  private Long limit(String name, Long was) {
    return limits.containsKey(name) ? limits.get(name) : was;
  }

  private static Integer toInt(Long value) {
    return value == null ? null : Math.toIntExact(value);
  }

  private static String name(Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw new BadRequest("name", "expected a name of 1.." + MAX_NAME_CHARS + " characters");
    }
    String name = text.strip();
    if (name.codePointCount(0, name.length()) > MAX_NAME_CHARS) {
      throw new BadRequest("name", "at most " + MAX_NAME_CHARS + " characters");
    }
    if (name.codePoints().anyMatch(Character::isISOControl)) {
      throw new BadRequest("name", "control characters are not allowed");
    }
    return name;
  }

  private static List<String> models(Object value) {
    List<String> models = strings("models", value);
    for (int i = 0; i < models.size(); i++) {
      String model = models.get(i);
      if (model.length() > MAX_MODEL_CHARS || !MODEL.matcher(model).matches()) {
        throw new BadRequest("models[" + i + "]", "expected a model name or a glob of letters, digits and . _ - * /,"
            + " at most " + MAX_MODEL_CHARS + " characters");
      }
    }
    return distinct(models);
  }

  private static Set<ClientProtocol> protocols(Object value) {
    List<String> labels = strings("protocols", value);
    Set<ClientProtocol> protocols = EnumSet.noneOf(ClientProtocol.class);
    for (int i = 0; i < labels.size(); i++) {
      ClientProtocol protocol = ClientProtocol.ofLabel(labels.get(i));
      if (protocol == null) {
        throw new BadRequest("protocols[" + i + "]", "expected native, openai or anthropic");
      }
      protocols.add(protocol);
    }
    return Set.copyOf(protocols);
  }

  private static Map<String, Long> limits(Object value) {
    if (!(value instanceof JsonObject object)) {
      throw new BadRequest("limits", "expected an object of rpm, rpd, tpm, tpd, max_concurrent");
    }
    Map<String, Long> limits = new HashMap<>();
    for (String name : object.fieldNames()) {
      Long bound = LIMIT_BOUNDS.get(name);
      String field = "limits." + name;
      if (bound == null) {
        throw new BadRequest(field, "unknown limit (expected rpm, rpd, tpm, tpd, max_concurrent)");
      }
      Object limit = object.getValue(name);
      limits.put(name, limit == null ? null : wholeNumber(field, limit, bound));
    }
    return limits;
  }

  /** A JSON integer 1..bound (no fraction, no string); null is "no limit" and handled by the caller. */
  private static long wholeNumber(String field, Object value, long bound) {
    String expected = "expected a whole number 1.." + bound + ", or null for none";
    if (!(value instanceof Number number)) {
      throw new BadRequest(field, expected);
    }
    BigDecimal decimal = number instanceof BigInteger big ? new BigDecimal(big) : new BigDecimal(number.toString());
    if (decimal.stripTrailingZeros().scale() > 0 || decimal.compareTo(BigDecimal.ONE) < 0
        || decimal.compareTo(BigDecimal.valueOf(bound)) > 0) {
      throw new BadRequest(field, expected);
    }
    return decimal.longValueExact();
  }

  private static Instant expiry(Object value, Instant now) {
    if (value == null) {
      return null;
    }
    String expected = "expected an ISO-8601 time with its offset (2027-01-31T00:00:00Z), or null for never";
    if (!(value instanceof String text) || text.length() > 64) {
      throw new BadRequest("expires_at", expected);
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadRequest("expires_at", expected);
    }
    if (!at.isAfter(now)) {
      throw new BadRequest("expires_at", "must lie in the future");
    }
    // Whole milliseconds, as the database keeps it: the token answered now equals the one read later.
    return Instant.ofEpochMilli(at.toEpochMilli());
  }

  private static List<String> cidrs(Object value) {
    List<String> given = strings("cidrs", value);
    List<String> cidrs = new ArrayList<>(given.size());
    for (int i = 0; i < given.size(); i++) {
      cidrs.add(cidr("cidrs[" + i + "]", given.get(i).strip()));
    }
    return distinct(cidrs);
  }

  /**
   * An address or a range in its canonical form ({@code 10.0.0.0/8}, {@code 2001:db8:0:0:0:0:0:0/32}).
   * An IPv4 address is read here; only a text with a colon reaches {@link InetAddress#getByName},
   * which takes it for an IPv6 literal and never looks it up in DNS.
   */
  static String cidr(String field, String text) {
    String expected = "expected an IPv4 or IPv6 address or range (10.0.0.0/8, 2001:db8::/32)";
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
      throw new BadRequest(field, expected);
    }
    InetAddress parsed;
    try {
      parsed = IPV4.matcher(address).matches() ? InetAddress.getByAddress(ipv4(field, address))
          : InetAddress.getByName(address);
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new BadRequest(field, expected);
    }
    if (slash < 0) {
      return parsed.getHostAddress();
    }
    int maxPrefix = parsed.getAddress().length * 8;
    String prefixText = text.substring(slash + 1);
    if (!prefixText.matches("\\d{1,3}") || Integer.parseInt(prefixText) > maxPrefix) {
      throw new BadRequest(field, "expected a prefix length 0.." + maxPrefix + " after the /");
    }
    return parsed.getHostAddress() + "/" + Integer.parseInt(prefixText);
  }

  /** The 4 bytes of a dotted quad, each 0..255 without leading zeros (which some parsers read as octal). */
  private static byte[] ipv4(String field, String address) {
    String[] parts = address.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int octet = Integer.parseInt(parts[i]);
      if (octet > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
        throw new BadRequest(field, "expected each part of an IPv4 address 0..255 without leading zeros");
      }
      bytes[i] = (byte) octet;
    }
    return bytes;
  }

  private static List<String> strings(String field, Object value) {
    if (!(value instanceof JsonArray array)) {
      throw new BadRequest(field, "expected a list of strings (empty: no restriction)");
    }
    if (array.size() > MAX_LIST_ITEMS) {
      throw new BadRequest(field, "at most " + MAX_LIST_ITEMS + " entries, got " + array.size());
    }
    List<String> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String text) || text.isBlank()) {
        throw new BadRequest(field + "[" + i + "]", "expected a non-empty string");
      }
      items.add(text.strip());
    }
    return items;
  }

  private static List<String> distinct(List<String> items) {
    return List.copyOf(new LinkedHashSet<>(items));
  }
}
