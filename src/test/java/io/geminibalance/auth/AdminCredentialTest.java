package io.geminibalance.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.requestlog.TokenFingerprints;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminCredentialTest {
  private static final String GENERATED = "sk-gb-generatedTokenForTheTest000000000";

  @Test
  void aStoredHashAcceptsItsTokenOnlyAndNeverHoldsIt() {
    String stored = AdminCredential.hash(GENERATED);
    assertThat(stored).startsWith("sha256:").doesNotContain(GENERATED).hasSize(71);
    AdminCredential credential = AdminCredential.ofStoredHash(stored);
    assertThat(credential.matches(GENERATED)).isTrue();
    assertThat(credential.matches(GENERATED + "x")).isFalse();
    assertThat(credential.matches("")).isFalse();
    assertThat(credential.matches(null)).isFalse();
    assertThat(credential.toString()).doesNotContain(stored.substring(7));
  }

  @Test
  void aDamagedStoredHashIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> AdminCredential.ofStoredHash("sha256:zz" + "0".repeat(62)))
        .hasMessage("gb_admin_token: the stored hash is not 'sha256:' and 64 hex digits");
    assertThatThrownBy(() -> AdminCredential.ofStoredHash("plain-token")).hasMessageNotContaining("plain-token");
  }

  @Test
  void theAuthenticatorTellsClientTokensFromTheAdminToken() {
    TokenFingerprints fingerprints = new TokenFingerprints(new byte[32]);
    ClientAuthenticator authenticator = new ClientAuthenticator(List.of("client-token-1"),
        AdminCredential.ofStoredHash(AdminCredential.hash(GENERATED)), fingerprints);
    assertThat(authenticator.client(GENERATED)).isNull();
    assertThat(authenticator.client("client-token-1")).isEqualTo(fingerprints.of("client-token-1"));
    assertThat(authenticator.admin(GENERATED)).isEqualTo(fingerprints.of(GENERATED));
    assertThat(authenticator.admin("client-token-1")).isNull();
    assertThat(authenticator.client("nobody")).isNull();
    assertThat(authenticator.admin("nobody")).isNull();

    authenticator.update(List.of("client-token-1"), AdminCredential.ofAuthToken("configured-admin"));
    assertThat(authenticator.admin(GENERATED)).as("rotated away").isNull();
    assertThat(authenticator.admin("configured-admin")).isNotNull();
    authenticator.update(List.of("client-token-2"));
    assertThat(authenticator.admin("configured-admin")).as("a token update keeps the admin").isNotNull();
  }

  @Test
  void anAdminTokenListedAmongTheClientTokensIsTheAdminsOnly() {
    TokenFingerprints fingerprints = new TokenFingerprints(new byte[32]);
    // AUTH_TOKEN is among GatewayConfig.clientTokens(), and often in ALLOWED_TOKENS too: it must still go
    // through the admin check (and its failure throttle), not pass as a client token.
    ClientAuthenticator authenticator = new ClientAuthenticator(List.of("client-token-1", "configured-admin"),
        AdminCredential.ofAuthToken("configured-admin"), fingerprints);
    assertThat(authenticator.client("configured-admin")).isNull();
    assertThat(authenticator.admin("configured-admin")).isEqualTo(fingerprints.of("configured-admin"));
    assertThat(authenticator.client("client-token-1")).isNotNull();
  }
}
