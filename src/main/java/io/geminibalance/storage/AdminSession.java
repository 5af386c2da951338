package io.geminibalance.storage;

import java.time.Instant;

/**
 * An admin web UI session as stored ({@code gb_admin_session}). The session id lives only in the
 * browser's cookie; the row holds its hash.
 *
 * @param idHash SHA-256 (hex) of the session id
 * @param csrfToken what state-changing calls of this session must send in {@code X-CSRF-Token}
 * @param adminFingerprint the fingerprint of the admin token it logged in with (the audit log's)
 * @param credentialId which admin credential was in force at login (see
 *     {@link io.geminibalance.auth.AdminCredential#id})
 * @param clientAddress the address it logged in from
 */
public record AdminSession(String idHash, String csrfToken, String adminFingerprint, String credentialId,
    String clientAddress, Instant createdAt, Instant expiresAt, Instant lastSeenAt) {

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
