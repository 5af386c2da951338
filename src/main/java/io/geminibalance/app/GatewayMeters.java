package io.geminibalance.app;

import io.geminibalance.config.ConfigValues;
import io.geminibalance.keypool.LeaseQueue;
import io.geminibalance.keypool.ModelNames;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaSnapshot;
import io.geminibalance.metrics.GatewayMetrics;
import io.geminibalance.requestlog.StoredAttemptLog;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the application adds to the metrics: which model names are labels (those the pools keep
 * quota state for), and the gauges read when scraped (keys by state and requests left today per
 * pool and model, queue and log-writer depths, dropped log rows). Nothing here runs per request.
 */
final class GatewayMeters {
  /** How long one snapshot of a pool serves the scrape's tables: both read it. */
  private static final long SNAPSHOT_REUSE_MILLIS = 1_000;

  /** A pool under its label: {@code gemini} (API_KEYS), {@code vertex_express}, {@code paid} (PAID_KEY). */
  record Pool(String label, QuotaKeyPool pool, LeaseQueue queue) {}

  private GatewayMeters() {}

  /** METRICS_ENABLED from the environment: on with a registry of its own, else {@link GatewayMetrics#OFF}. */
  static GatewayMetrics fromEnv(Map<String, String> env) {
    return new ConfigValues(env).bool("METRICS_ENABLED") ? GatewayMetrics.on() : GatewayMetrics.OFF;
  }

  static void register(GatewayMetrics metrics, List<Pool> pools, StoredAttemptLog logs) {
    if (!metrics.enabled()) {
      return;
    }
    QuotaKeyPool[] all = pools.stream().map(Pool::pool).toArray(QuotaKeyPool[]::new);
    metrics.modelLabels(name -> label(name, all));
    List<Supplier<List<QuotaSnapshot.ModelTotals>>> totals = new ArrayList<>();
    for (Pool pool : pools) {
      totals.add(reused(pool.pool()));
      metrics.gauge("gb.queue.waiting", "Requests waiting in the queue for a key", pool.queue()::waitingTotal,
          "pool", pool.label());
    }
    metrics.table("gb.keys", "Keys by state per model: usable, cooling (minute limit or cooldown), parked"
        + " (day limit), disabled", () -> {
          List<GatewayMetrics.Row> rows = new ArrayList<>();
          for (int i = 0; i < pools.size(); i++) {
            for (QuotaSnapshot.ModelTotals model : totals.get(i).get()) {
              Tags tags = Tags.of("pool", pools.get(i).label(), "model", model.model());
              rows.add(new GatewayMetrics.Row(tags.and("state", "usable"), model.usable()));
              rows.add(new GatewayMetrics.Row(tags.and("state", "cooling"), model.cooling()));
              rows.add(new GatewayMetrics.Row(tags.and("state", "parked"), model.parked()));
              rows.add(new GatewayMetrics.Row(tags.and("state", "disabled"), model.disabled()));
            }
          }
          return rows;
        });
    metrics.table("gb.requests.remaining.today", "Requests the pool's keys may still send today per model"
        + " (by RPD; +Inf: no day limit)", () -> {
          List<GatewayMetrics.Row> rows = new ArrayList<>();
          for (int i = 0; i < pools.size(); i++) {
            for (QuotaSnapshot.ModelTotals model : totals.get(i).get()) {
              rows.add(new GatewayMetrics.Row(Tags.of("pool", pools.get(i).label(), "model", model.model()),
                  model.remainingToday() < 0 ? Double.POSITIVE_INFINITY : model.remainingToday()));
            }
          }
          return rows;
        });
    metrics.gauge("gb.log.queue.rows", "Log rows waiting for the database", logs::pendingRequestLogs,
        "log", "request");
    metrics.gauge("gb.log.queue.rows", "Log rows waiting for the database", logs::pendingErrorLogs,
        "log", "error");
    metrics.counter("gb.log.dropped.rows", "Log rows dropped (queue full or the database refusing them)", logs,
        StoredAttemptLog::droppedRequestLogs, "log", "request");
    metrics.counter("gb.log.dropped.rows", "Log rows dropped (queue full or the database refusing them)", logs,
        StoredAttemptLog::droppedErrorLogs, "log", "error");
    metrics.counter("gb.log.lightened.rows", "Error-log rows stored without their request body"
        + " (ERROR_LOG_QUEUE_MB)", logs, StoredAttemptLog::droppedErrorLogBodies, "log", "error");
  }

  /**
   * A model's base name when a pool keeps quota state for it, else {@link GatewayMetrics#OTHER}:
   * the pools bound the names (MAX_MODELS), never the client.
   */
  static String label(String name, QuotaKeyPool[] pools) {
    String base = ModelNames.base(name);
    for (QuotaKeyPool pool : pools) {
      if (pool.hasLane(base)) {
        return base;
      }
    }
    return GatewayMetrics.OTHER;
  }

  /** The pool's totals per model, taken at most once a second (one scrape reads them twice). */
  private static Supplier<List<QuotaSnapshot.ModelTotals>> reused(QuotaKeyPool pool) {
    return new Supplier<>() {
      private List<QuotaSnapshot.ModelTotals> last;
      private long takenAt;

      @Override
      public synchronized List<QuotaSnapshot.ModelTotals> get() {
        long now = System.currentTimeMillis();
        if (last == null || now - takenAt >= SNAPSHOT_REUSE_MILLIS || now < takenAt) {
          last = pool.quotaSnapshot().models();
          takenAt = now;
        }
        return last;
      }
    };
  }
}
