package io.geminibalance.auth;

import io.geminibalance.requestlog.KeyIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A managed client token ({@code /api/tokens}): its value is never kept, only {@code hash} (an
 * HMAC with the installation's secret, {@link io.geminibalance.requestlog.TokenFingerprints#hash})
 * and its last 4 characters. {@code id} is stable across value rotations: log rows, usage and owned
 * resources are kept under it.
 *
 * @param models allowed models: exact names or globs ({@code gemini-2.5-*}); empty: all
 * @param protocols allowed client protocols; empty: all
 * @param expiresAt null: never
 * @param cidrs allowed client address ranges ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a
 *     single address); empty: any
 * @param revokedAt null unless revoked: a revoked token stays listed (its usage keeps its name) but
 *     authenticates no more
 */
public record ClientToken(String id, String name, String hash, String last4, List<String> models,
    Set<ClientProtocol> protocols, TokenLimits limits, Instant expiresAt, List<String> cidrs, boolean enabled,
    Instant revokedAt, Instant createdAt, Instant updatedAt) {

  /** Prefix of every token value the gateway makes, so that logs and secret scanners recognise them. */
  public static final String PREFIX = "sk-gb-";

  public ClientToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(last4, "last4");
    models = List.copyOf(models);
    protocols = Set.copyOf(protocols);
    limits = limits == null ? TokenLimits.NONE : limits;
    cidrs = List.copyOf(cidrs);
  }

  /**
   * The form under which names are unique among the tokens not revoked: case is ignored. The
   * database's unique index on the name ({@code gb_client_token.name_key}) is built from this
   * same form, so the check here and the database's agree on every engine.
   */
  public static String nameKey(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** The protocols' labels in a fixed order (the set has none), as listings and the database show them. */
  public List<String> protocolLabels() {
    return protocols.stream().sorted().map(ClientProtocol::label).toList();
  }

  /** This token with another value (rotation): same id, fields and usage. */
  public ClientToken withValue(String newHash, String newLast4, Instant now) {
    return new ClientToken(id, name, newHash, newLast4, models, protocols, limits, expiresAt, cidrs, enabled, revokedAt,
        createdAt, now);
  }

  /** This token revoked at {@code now}. */
  public ClientToken revoked(Instant now) {
    return new ClientToken(id, name, hash, last4, models, protocols, limits, expiresAt, cidrs, enabled, now, createdAt,
        now);
  }

  /** How this token appears in log rows: its stable id, so rows survive rotating the value. */
  public KeyIdentity identity() {
    return new KeyIdentity(id, last4);
  }

  @Override
  public String toString() {
    return "ClientToken[" + id + " '" + name + "' ..." + last4 + "]";
  }
}
