package io.geminibalance.testing;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's per-key, per-model request quota as the fake enforces it: at most {@code limit}
 * requests in any sliding window of {@code windowMillis}. Over the limit it answers 429 with
 * QuotaFailure and RetryInfo like the real API; otherwise it lets the next rule answer.
 */
public final class UpstreamQuota {
  private final int limit;
  private final long windowMillis;
  private final Map<String, Deque<Long>> windows = new HashMap<>();
  private final Map<String, AtomicInteger> rejected = new HashMap<>();
  private final AtomicInteger served = new AtomicInteger();

  public UpstreamQuota(int limit, long windowMillis) {
    this.limit = limit;
    this.windowMillis = windowMillis;
  }

  /** Installs the quota in front of every generate call of {@code fake}. */
  public UpstreamQuota install(FakeGemini fake) {
    fake.on(r -> r.path().contains(":generateContent") || r.path().contains(":streamGenerateContent"),
        this::answer);
    return this;
  }

  private void answer(Recorded r, HttpServerResponse res, HttpServerRequest raw) {
    long retryMillis = admit(r.key() + "|" + model(r.path()), System.currentTimeMillis());
    if (retryMillis < 0) {
      served.incrementAndGet();
      Replies.healthyDefault(r).send(r, res, raw);
      return;
    }
    synchronized (this) {
      rejected.computeIfAbsent(r.key() + "|" + model(r.path()), k -> new AtomicInteger()).incrementAndGet();
    }
    String delay = String.format(java.util.Locale.ROOT, "%.3fs", retryMillis / 1000.0);
    Replies.googleError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.",
        "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":"
            + "\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\",\"quotaValue\":\"" + limit + "\"}]}",
        "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"" + delay + "\"}")
        .send(r, res, raw);
  }

  /** -1 when admitted, else milliseconds until a slot frees. */
  private synchronized long admit(String bucket, long now) {
    Deque<Long> window = windows.computeIfAbsent(bucket, k -> new ArrayDeque<>());
    while (!window.isEmpty() && window.peekFirst() <= now - windowMillis) {
      window.pollFirst();
    }
    if (window.size() < limit) {
      window.addLast(now);
      return -1;
    }
    return window.peekFirst() + windowMillis - now;
  }

  private static String model(String path) {
    int start = path.indexOf("/models/") + "/models/".length();
    int colon = path.indexOf(':', start);
    return colon < 0 ? path.substring(start) : path.substring(start, colon);
  }

  public int served() {
    return served.get();
  }

  /** 429s answered, per key and model. */
  public synchronized Map<String, Integer> rejectedPerBucket() {
    Map<String, Integer> copy = new HashMap<>();
    rejected.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  public synchronized int rejectedTotal() {
    return rejected.values().stream().mapToInt(AtomicInteger::get).sum();
  }
}
