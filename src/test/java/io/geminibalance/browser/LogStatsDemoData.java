package io.geminibalance.browser;

import io.geminibalance.requestlog.ErrorLogEntry;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.storage.Storage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Realistic, made-up request-log and error-log rows for the /logs and /stats browser tests and
 * their screenshots: fake keys, several models, a day of traffic with some 429/403/400/500s.
 * Seeded, so every run draws the same data relative to now.
 */
final class LogStatsDemoData {
  static final List<String> MODELS = List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite",
      "gemini-2.5-flash-search");
  static final List<KeyIdentity> KEYS = List.of(
      KeyIdentity.ofSecret("AIzaSyDemoKey0000000000000000000000Qm2L"),
      KeyIdentity.ofSecret("AIzaSyDemoKey1111111111111111111111Tn0P"),
      KeyIdentity.ofSecret("AIzaSyDemoKey2222222222222222222222Ke8J"),
      KeyIdentity.ofSecret("AIzaSyDemoKey3333333333333333333333Vc1H"),
      KeyIdentity.ofSecret("AIzaSyDemoKey4444444444444444444444Gf2Z"));

  private LogStatsDemoData() {}

  /** 600 calls over the last 23 hours, a few failures, tokens on successes; returns the count. */
  static int seedRequests(Storage storage, Instant now) {
    Random random = new Random(16);
    List<RequestLogEntry> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      // Within 23 hours, so that every call is still inside the "24 hours" range when the page asks.
      Instant time = now.minusSeconds(random.nextInt(23 * 3600));
      int pick = random.nextInt(100);
      String model = MODELS.get(pick < 50 ? 0 : pick < 70 ? 1 : pick < 90 ? 2 : 3);
      KeyIdentity key = KEYS.get(random.nextInt(KEYS.size()));
      int roll = random.nextInt(100);
      int status = roll < 8 ? 429 : roll < 10 ? 403 : roll < 11 ? 400 : roll < 13 ? 500 : 200;
      boolean ok = status == 200;
      long latency = (model.contains("pro") ? 2500 : 700) + random.nextInt(ok ? 2000 : 300);
      rows.add(new RequestLogEntry(time, model, key, ok, status, latency, ok ? 200 + random.nextInt(800) : null,
          ok ? 50 + random.nextInt(400) : null, random.nextBoolean(), 1, "demo-" + i, null));
    }
    storage.requestLogs().insert(rows).join();
    return rows.size();
  }

  /** Error rows of the last hours: quota, invalid key, bad request, server error. */
  static void seedErrors(Storage storage, Instant now) {
    List<ErrorLogEntry> rows = new ArrayList<>();
    String[][] kinds = {
        {"429", "gemini-chat-stream", "Resource has been exhausted (e.g. check quota). RESOURCE_EXHAUSTED"},
        {"400", "openai-chat-non-stream", "API key not valid. Please pass a valid API key. INVALID_ARGUMENT"},
        {"403", "gemini-chat-non-stream", "Permission denied: Consumer has been suspended. PERMISSION_DENIED"},
        {"500", "gemini-embed-single", "An internal error has occurred. INTERNAL"}};
    for (int i = 0; i < 24; i++) {
      String[] kind = kinds[i % kinds.length];
      rows.add(new ErrorLogEntry(now.minus(Duration.ofMinutes(7L * (24 - i))), KEYS.get(i % KEYS.size()),
          MODELS.get(i % MODELS.size()), kind[1], Integer.parseInt(kind[0]), kind[2],
          i % 3 == 0 ? "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Summarise this report\"}]}]}" : null,
          "demo-error-" + i));
    }
    storage.errorLogs().insert(rows).join();
  }
}
