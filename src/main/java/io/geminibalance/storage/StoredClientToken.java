package io.geminibalance.storage;

import java.util.List;
import java.util.Objects;

/**
 * A managed client token as kept in {@code gb_client_token}: plain values, so that storage needs
 * nothing of the authentication package; {@code admin/ClientTokens} converts. The value itself is
 * never here, only its HMAC ({@code valueHash}) and last 4 characters.
 *
 * @param models exact model names or globs; empty: all
 * @param protocols protocol labels ({@code native}, {@code openai}, {@code anthropic}); empty: all
 * @param rpm requests per minute, or null for no limit (so are {@code rpd}, {@code tpm}, {@code tpd},
 *     {@code maxConcurrent})
 * @param expiresAtMillis null: never
 * @param cidrs allowed client address ranges; empty: any
 * @param revokedAtMillis null unless revoked
 */
public record StoredClientToken(String id, String name, String valueHash, String last4, List<String> models,
    List<String> protocols, Long rpm, Long rpd, Long tpm, Long tpd, Integer maxConcurrent, Long expiresAtMillis,
    List<String> cidrs, boolean enabled, Long revokedAtMillis, long createdAtMillis, long updatedAtMillis) {

  public StoredClientToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueHash, "valueHash");
    Objects.requireNonNull(last4, "last4");
    models = List.copyOf(models);
    protocols = List.copyOf(protocols);
    cidrs = List.copyOf(cidrs);
  }

  /** This token with another value (rotation): same id, fields and usage. */
  public StoredClientToken withValue(String newHash, String newLast4, long nowMillis) {
    return new StoredClientToken(id, name, newHash, newLast4, models, protocols, rpm, rpd, tpm, tpd, maxConcurrent,
        expiresAtMillis, cidrs, enabled, revokedAtMillis, createdAtMillis, nowMillis);
  }

  /** This token revoked at {@code nowMillis}. */
  public StoredClientToken revoked(long nowMillis) {
    return new StoredClientToken(id, name, valueHash, last4, models, protocols, rpm, rpd, tpm, tpd, maxConcurrent,
        expiresAtMillis, cidrs, enabled, nowMillis, createdAtMillis, nowMillis);
  }

  @Override
  public String toString() {
    return "StoredClientToken[" + id + " '" + name + "' ..." + last4 + "]";
  }
}
