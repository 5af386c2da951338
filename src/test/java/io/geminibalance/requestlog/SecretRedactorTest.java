package io.geminibalance.requestlog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretRedactorTest {
  private final SecretRedactor redactor = new SecretRedactor();

  @Test
  void masksGoogleKeysKeepingTheLastFourCharacters() {
    String text = "GET /v1beta/models?key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q failed";

    assertThat(redactor.redact(text)).isEqualTo("GET /v1beta/models?key=AIza...5p6Q failed");
  }

  @Test
  void masksSkTokensAndRegisteredSecrets() {
    redactor.register("my-admin-password");

    assertThat(redactor.redact("token sk-abcdefghijklmnopqrstuvwx, admin my-admin-password"))
        .isEqualTo("token sk-...uvwx, admin ...word");
  }

  @Test
  void leavesOrdinaryTextAndShortRegisteredValuesAlone() {
    redactor.register("abc");

    assertThat(redactor.redact("abc: quota exceeded for sk-short")).isEqualTo("abc: quota exceeded for sk-short");
    assertThat(redactor.redact(null)).isNull();
  }
}
