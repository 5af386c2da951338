package io.geminibalance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalTokenLimiterTest {
  /** 10 s into a UTC day's 12:00 minute. */
  private static final long START = Instant.parse("2026-12-06T12:00:10Z").toEpochMilli();
  private final AtomicLong clock = new AtomicLong(START);

  private static ClientToken token(TokenLimits limits) {
    Instant now = Instant.ofEpochMilli(START);
    return new ClientToken("t1", "ci-bot", "h", "abcd", List.of(), Set.of(), limits, null, List.of(), true, null, now,
        now);
  }

  private static TokenRefusal refusal(TokenLimiter.Admission admission) {
    return switch (admission) {
      case TokenLimiter.Admitted admitted -> null;
      case TokenLimiter.OverLimit over -> over.refusal();
    };
  }

  @Test
  void requestsPerMinuteRefuseUntilTheClockMinuteEnds() {
    LocalTokenLimiter limiter = new LocalTokenLimiter(clock::get);
    ClientToken token = token(new TokenLimits(2L, null, null, null, null));
    assertThat(refusal(limiter.admitNow(token))).isNull();
    assertThat(refusal(limiter.admitNow(token))).isNull();
    TokenRefusal refused = refusal(limiter.admitNow(token));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.retryAfterSeconds()).isEqualTo(50);
    assertThat(refused.message()).startsWith("token 'ci-bot' is over its limit of 2 requests per minute");
    clock.set(START + 50_000);
    assertThat(refusal(limiter.admitNow(token))).isNull();
  }

  @Test
  void requestsPerDayRefuseUntilTheUtcDayEnds() {
    LocalTokenLimiter limiter = new LocalTokenLimiter(clock::get);
    ClientToken token = token(new TokenLimits(null, 1L, null, null, null));
    assertThat(refusal(limiter.admitNow(token))).isNull();
    TokenRefusal refused = refusal(limiter.admitNow(token));
    assertThat(refused.retryAfterSeconds()).isEqualTo(12 * 3600 - 10);
    clock.set(Instant.parse("2026-12-07T00:00:00Z").toEpochMilli());
    assertThat(refusal(limiter.admitNow(token))).isNull();
  }

  @Test
  void tokensChargedRefuseTheNextRequestOnceAtTheLimit() {
    LocalTokenLimiter limiter = new LocalTokenLimiter(clock::get);
    ClientToken token = token(new TokenLimits(null, null, 100L, 1000L, null));
    assertThat(refusal(limiter.admitNow(token))).isNull();
    limiter.charge(token, 99);
    assertThat(refusal(limiter.admitNow(token))).isNull();
    limiter.charge(token, 1);
    assertThat(refusal(limiter.admitNow(token)).message()).contains("100 tokens per minute");
    clock.set(START + 60_000);
    assertThat(refusal(limiter.admitNow(token))).isNull();
    limiter.charge(token, 900);
    clock.set(START + 120_000);
    assertThat(refusal(limiter.admitNow(token)).message()).contains("1000 tokens per day");
  }

  @Test
  void concurrencySlotsAreGivenBackOnce() {
    LocalTokenLimiter limiter = new LocalTokenLimiter(clock::get);
    ClientToken token = token(new TokenLimits(null, null, null, null, 2));
    TokenLimiter.Admission first = limiter.admitNow(token);
    assertThat(refusal(limiter.admitNow(token))).isNull();
    TokenRefusal refused = refusal(limiter.admitNow(token));
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    assertThat(refused.message()).contains("2 requests at once");
    TokenLimiter.Slot slot = ((TokenLimiter.Admitted) first).slot();
    slot.release();
    slot.release();
    assertThat(limiter.inProgress("t1")).isEqualTo(1);
    assertThat(refusal(limiter.admitNow(token))).isNull();
    assertThat(refusal(limiter.admitNow(token))).isNotNull();
  }

  @Test
  void aShareCutsEachLimitAndTheMessageSaysSo() {
    LocalTokenLimiter limiter = new LocalTokenLimiter(clock::get, limit -> limit / 2);
    ClientToken token = token(new TokenLimits(4L, null, null, null, null));
    assertThat(refusal(limiter.admitNow(token))).isNull();
    assertThat(refusal(limiter.admitNow(token))).isNull();
    assertThat(refusal(limiter.admitNow(token)).message())
        .contains("over its limit of 4 requests per minute (this instance's share while Redis is away: 2)");
  }
}
