package io.geminibalance.requestlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  @Test
  void masksRegisteredSecretsOfAnyShapeWhereverTheyAre() {
    redactor.registerAll(List.of("q7Zt0pLm2x", "odd-key-41", "odd-key-41-longer", "t\u00e9l\u00e9phone-99",
        "\u4e2d\u6587\u5bc6\u94a5\u4e2d\u6587\u5bc6\u94a5"));

    assertThat(redactor.redact("q7Zt0pLm2x")).isEqualTo("...Lm2x");
    assertThat(redactor.redact("a=q7Zt0pLm2x&b=q7Zt0pLm2xq7Zt0pLm2x;"))
        .isEqualTo("a=...Lm2x&b=...Lm2x...Lm2x;");
    assertThat(redactor.redact("odd-key-41-longer and odd-key-41.")).isEqualTo("...nger and ...y-41.");
    assertThat(redactor.redact("\u00fcber t\u00e9l\u00e9phone-99 \u4e2d\u6587\u5bc6\u94a5\u4e2d\u6587\u5bc6\u94a5!"))
        .isEqualTo("\u00fcber ...e-99 ...\u4e2d\u6587\u5bc6\u94a5!");
    assertThat(redactor.redact("nothing secret here, q7Zt0pLm2 is one short")).isEqualTo(
        "nothing secret here, q7Zt0pLm2 is one short");
  }

  @Test
  void aLargePoolIsMaskedExactly() {
    Random random = new Random(42);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      StringBuilder key = new StringBuilder(i % 2 == 0 ? "AIzaSy" : "");
      while (key.length() < (i % 2 == 0 ? 39 : 12 + i % 20)) {
        key.append((char) ('!' + random.nextInt(94)));
      }
      keys.add(key.toString());
    }
    redactor.registerAll(keys);
    for (int i = 0; i < keys.size(); i += 97) {
      String key = keys.get(i);
      String redacted = redactor.redact("before " + key + " after");
      assertThat(redacted).doesNotContain(key).endsWith(key.substring(key.length() - 4) + " after");
    }
  }

  @Test
  void registeredSecretsStayRegistered() {
    SecretRedactor shared = SecretRedactor.process();
    shared.register("removed-from-the-pool-7788");
    shared.registerAll(List.of());
    assertThat(shared.redact("late line about removed-from-the-pool-7788")).isEqualTo("late line about ...7788");
  }
}
