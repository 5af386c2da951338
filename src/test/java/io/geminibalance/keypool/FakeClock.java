package io.geminibalance.keypool;

import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when told. */
final class FakeClock implements InstantSource {
  private volatile long nowMillis;

  FakeClock(long startMillis) {
    this.nowMillis = startMillis;
  }

  static FakeClock at(String isoInstant) {
    return new FakeClock(Instant.parse(isoInstant).toEpochMilli());
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(nowMillis);
  }

  @Override
  public long millis() {
    return nowMillis;
  }

  void advance(long millis) {
    nowMillis += millis;
  }

  void set(long millis) {
    nowMillis = millis;
  }
}
