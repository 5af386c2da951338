package io.geminibalance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  private static ClientToken token(boolean enabled, Instant expires, Instant revoked, Set<ClientProtocol> protocols) {
    return new ClientToken("id1", "ci-bot", "h", "abcd", List.of("gemini-2.5-*"), protocols, null, expires, List.of(),
        enabled, revoked, NOW, NOW);
  }

  @Test
  void revokedComesBeforeDisabledAndExpired() {
    TokenRefusal r = TokenCheck.check(token(false, NOW, NOW, Set.of()), ClientProtocol.NATIVE, NOW, true);
    assertThat(r.kind()).isEqualTo(TokenRefusal.Kind.REVOKED);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.message()).isEqualTo("token 'ci-bot' has been revoked");
    assertThat(TokenCheck.check(token(false, NOW, null, Set.of()), ClientProtocol.NATIVE, NOW, true).kind())
        .isEqualTo(TokenRefusal.Kind.DISABLED);
    assertThat(TokenCheck.check(token(true, NOW, null, Set.of()), ClientProtocol.NATIVE, NOW, true).kind())
        .isEqualTo(TokenRefusal.Kind.EXPIRED);
    assertThat(TokenCheck.check(token(true, NOW.plusSeconds(1), null, Set.of()), ClientProtocol.NATIVE, NOW, true))
        .isNull();
  }

  @Test
  void protocolThenAddressAre403() {
    ClientToken openAiOnly = token(true, null, null, Set.of(ClientProtocol.OPENAI));
    TokenRefusal protocol = TokenCheck.check(openAiOnly, ClientProtocol.ANTHROPIC, NOW, false);
    assertThat(protocol.kind()).isEqualTo(TokenRefusal.Kind.PROTOCOL);
    assertThat(protocol.status()).isEqualTo(403);
    assertThat(protocol.message()).contains("anthropic");
    assertThat(TokenCheck.check(openAiOnly, ClientProtocol.OPENAI, NOW, false).kind())
        .isEqualTo(TokenRefusal.Kind.ADDRESS);
    assertThat(TokenCheck.check(openAiOnly, ClientProtocol.OPENAI, NOW, true)).isNull();
  }

  @Test
  void theModelIsCheckedAgainstTheGlobs() {
    ClientToken t = token(true, null, null, Set.of());
    assertThat(TokenRefusal.model(t, "gemini-2.5-flash")).isNull();
    TokenRefusal refused = TokenRefusal.model(t, "imagen-4.0-generate-001");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.message()).isEqualTo("token 'ci-bot' is not allowed to use model 'imagen-4.0-generate-001'");
  }
}
