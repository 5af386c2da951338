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
 * QuotaFailure (naming the limit as {@code quotaValue}) and RetryInfo like the real API;
 * otherwise it lets the next rule answer. A model may have a limit of its own ({@link #model}),
 * and keys may share one quota as Google's projects do ({@link #project}): then the 429 names the
 * project in an ErrorInfo's {@code consumer}, as Google does.
 */
public final class UpstreamQuota {
  private final int limit;
  private final long windowMillis;
  private final Map<String, Integer> limitByModel = new HashMap<>();
  private final Map<String, String> projectByKey = new HashMap<>();
  private final Map<String, Deque<Long>> windows = new HashMap<>();
  private final Map<String, AtomicInteger> rejected = new HashMap<>();
  private final AtomicInteger served = new AtomicInteger();

  public UpstreamQuota(int limit, long windowMillis) {
    this.limit = limit;
    this.windowMillis = windowMillis;
  }

  /** A limit of its own for {@code model} (per key, or per project). */
  public synchronized UpstreamQuota model(String model, int modelLimit) {
    limitByModel.put(model, modelLimit);
    return this;
  }

  /** The keys count against one quota, under {@code projects/<number>}. */
  public synchronized UpstreamQuota project(String number, String... keys) {
    for (String key : keys) {
      projectByKey.put(key, "projects/" + number);
    }
    return this;
  }

  /** Installs the quota in front of every generate call of {@code fake}. */
  public UpstreamQuota install(FakeGemini fake) {
    fake.on(r -> r.path().contains(":generateContent") || r.path().contains(":streamGenerateContent"),
        this::answer);
    return this;
  }

  private void answer(Recorded r, HttpServerResponse res, HttpServerRequest raw) {
    String model = model(r.path());
    String project;
    int bucketLimit;
    synchronized (this) {
      project = projectByKey.get(r.key());
      bucketLimit = limitByModel.getOrDefault(model, limit);
    }
    String bucket = (project != null ? project : r.key()) + "|" + model;
    long retryMillis = admit(bucket, bucketLimit, System.currentTimeMillis());
    if (retryMillis < 0) {
      served.incrementAndGet();
      Replies.healthyDefault(r).send(r, res, raw);
      return;
    }
    synchronized (this) {
      rejected.computeIfAbsent(r.key() + "|" + model, k -> new AtomicInteger()).incrementAndGet();
    }
    String delay = String.format(java.util.Locale.ROOT, "%.3fs", retryMillis / 1000.0);
    String quota = "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":"
        + "\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\",\"quotaValue\":\"" + bucketLimit + "\"}]}";
    String retry = "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"" + delay + "\"}";
    Reply reply = project == null
        ? Replies.googleError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", quota, retry)
        : Replies.googleError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", quota, retry,
            "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"RATE_LIMIT_EXCEEDED\","
                + "\"domain\":\"googleapis.com\",\"metadata\":{\"consumer\":\"" + project + "\"}}");
    reply.send(r, res, raw);
  }

  /** -1 when admitted, else milliseconds until a slot frees. */
  private synchronized long admit(String bucket, int bucketLimit, long now) {
    Deque<Long> window = windows.computeIfAbsent(bucket, k -> new ArrayDeque<>());
    while (!window.isEmpty() && window.peekFirst() <= now - windowMillis) {
      window.pollFirst();
    }
    if (window.size() < bucketLimit) {
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
