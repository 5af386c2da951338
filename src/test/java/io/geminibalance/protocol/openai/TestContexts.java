package io.geminibalance.protocol.openai;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Deterministic response contexts for tests. */
final class TestContexts {

  static final String ID = "chatcmpl-test";
  static final long CREATED = 1_700_000_000L;

  private TestContexts() {}

  /** {@code call_} + 24 hex digits counting up from 1. */
  static Supplier<String> sequentialIds() {
    AtomicLong next = new AtomicLong();
    return () -> "call_%024x".formatted(next.incrementAndGet());
  }

  static ResponseContext context(String model, ThoughtSignatureCache cache) {
    return new ResponseContext(ID, CREATED, model, sequentialIds(), cache, 5_000);
  }
}
