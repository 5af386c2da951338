package io.geminibalance.alerts;

import io.geminibalance.config.ConfigValues;
import io.geminibalance.keypool.KeyDisabled;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.logging.RateLimitedWarning;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts to ALERT_WEBHOOK_URL: a key disabled (whole or for one model), a model's requests left
 * today below ALERT_CAPACITY_PERCENT, log rows dropped. Off the request path: a disabled key
 * only queues an alert (a short lock, no I/O), and a timer on an event loop sends what is due, one
 * POST at a time, at most one per ALERT_INTERVAL_SECONDS, gathering a burst into one POST
 * ({@link AlertBatcher}); each POST is tried up to {@value #TRIES} times ({@link WebhookSender}).
 * Capacity and log drops are read every {@value #CHECK_MILLIS} ms on a worker thread (the quota
 * snapshot reads every key's cells). With the URL unset nothing is queued, read or sent.
 */
public final class Alerts {
  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  /** After a first alert, how long others may join it in the same POST. */
  static final long GATHER_MILLIS = 2_000;
  private static final long TICK_MILLIS = 500;
  static final long CHECK_MILLIS = 30_000;
  /** Subjects waiting at most (a POST lists at most these); beyond, alerts are counted as omitted. */
  static final int MAX_PENDING = 200;
  static final int TRIES = 3;
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Supplier<ConfigValues> values;
  private final UnaryOperator<String> redact;
  private final InstantSource clock;
  private final AlertBatcher batcher = new AlertBatcher(MAX_PENDING, GATHER_MILLIS);
  private final WebhookSender sender;
  private final CapacityWatch capacity = new CapacityWatch();
  private final Map<String, QuotaKeyPool> pools = new LinkedHashMap<>();
  private final List<DropWatch> logs = new CopyOnWriteArrayList<>();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final RateLimitedWarning omittedWarning = new RateLimitedWarning(LOG, Duration.ofMinutes(1));
  private final RateLimitedWarning failedWarning = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
  private volatile Parsed parsed;
  private long tickTimer = -1;
  private long checkTimer = -1;

  /** The settings read from one configuration, kept until the configuration changes. */
  private record Parsed(ConfigValues from, AlertSettings settings) {}

  /**
   * @param values the configuration in force (read again when it changes)
   * @param redact masks the secrets known to the gateway in every text sent
   */
  public Alerts(Vertx vertx, Supplier<ConfigValues> values, UnaryOperator<String> redact, InstantSource clock) {
    this.vertx = vertx;
    this.values = values;
    this.redact = redact;
    this.clock = clock;
    this.sender = new WebhookSender(vertx, FIRST_BACKOFF);
  }

  /** Alerts for {@code pool}'s disabled keys and its capacity; {@code name} shows in each alert. */
  public synchronized void watch(String name, QuotaKeyPool pool) {
    pools.put(name, pool);
    pool.onDisabled(event -> keyDisabled(name, event));
  }

  /** Alerts when the count of a log's dropped rows grows; {@code name}: {@code request}, {@code error}. */
  public void watchLog(String name, LongSupplier droppedTotal) {
    logs.add(new DropWatch(name, droppedTotal));
  }

  /** Starts the timers: sending what is due, and the periodic check. */
  public synchronized void start() {
    tickTimer = vertx.setPeriodic(TICK_MILLIS, id -> sendDue());
    checkTimer = vertx.setPeriodic(CHECK_MILLIS, id -> {
      if (settings().enabled()) {
        checkNow();
      }
    });
  }

  /** Reads capacity and log drops now (the periodic check does the same), on a worker thread. */
  public Future<Void> checkNow() {
    return vertx.executeBlocking(() -> {
      check();
      return null;
    }, false);
  }

  private synchronized void check() {
    AlertSettings settings = settings();
    if (!settings.enabled()) {
      return;
    }
    long now = clock.millis();
    for (Map.Entry<String, QuotaKeyPool> pool : pools.entrySet()) {
      capacity.check(pool.getKey(), pool.getValue().quotaSnapshot().models(), settings.capacityPercent(), now)
          .forEach(this::publish);
    }
    for (DropWatch log : logs) {
      Alert alert = log.check(now);
      if (alert != null) {
        publish(alert);
      }
    }
  }

  private void keyDisabled(String pool, KeyDisabled event) {
    if (settings().enabled()) {
      publish(new Alert.KeyDisabled(pool, event.key().masked(), event.key().fingerprint(), event.model(),
          event.reason(), clock.millis()));
    }
  }

  /** Queues an alert when alerts are on; never blocks. */
  void publish(Alert alert) {
    if (!settings().enabled()) {
      return;
    }
    if (!batcher.add(alert, clock.millis())) {
      omittedWarning.warn("Alerts: {} subjects wait for the webhook already; {} alert(s) left out so far (the next"
          + " POST counts them)", MAX_PENDING, batcher.omittedTotal());
    }
  }

  /** Alerts left out since start because too many were waiting. */
  public long omittedTotal() {
    return batcher.omittedTotal();
  }

  private void sendDue() {
    AlertSettings settings = settings();
    if (!settings.enabled() || !sending.compareAndSet(false, true)) {
      return;
    }
    long now = clock.millis();
    AlertBatcher.Batch batch = batcher.takeDue(now, settings.interval().toMillis());
    if (batch == null) {
      sending.set(false);
      return;
    }
    byte[] body = WebhookPayload.of(batch, now, redact);
    sender.post(settings.url(), body, settings.timeout(), TRIES).onComplete(ar -> {
      sending.set(false);
      WebhookSender.Outcome outcome = ar.result();
      if (outcome.delivered()) {
        LOG.debug("Alerts: {} alert(s) sent to the webhook at {}", batch.alerts().size(), settings.host());
        return;
      }
      // The alerts are in this line, so what the webhook missed is still in the log.
      failedWarning.warn("Alerts: the webhook at {} failed after {} tries ({}); not delivered: {}", settings.host(),
          outcome.tries(), outcome.failure(), redact.apply(lines(batch)));
    });
  }

  private static String lines(AlertBatcher.Batch batch) {
    List<String> lines = new ArrayList<>();
    batch.alerts().forEach(alert -> lines.add(alert.line()));
    if (batch.omitted() > 0) {
      lines.add(batch.omitted() + " more left out");
    }
    return lines.stream().collect(Collectors.joining("; "));
  }

  private AlertSettings settings() {
    ConfigValues current = values.get();
    Parsed p = parsed;
    if (p == null || p.from() != current) {
      p = new Parsed(current, AlertSettings.from(current));
      parsed = p;
    }
    return p.settings();
  }

  /**
   * Stops the timers and the webhook's client. Alerts still waiting are not sent (the process is
   * stopping): they go to the log instead.
   */
  public synchronized Future<Void> close() {
    if (tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
    }
    if (checkTimer >= 0) {
      vertx.cancelTimer(checkTimer);
    }
    AlertBatcher.Batch left = batcher.drain();
    if (!left.alerts().isEmpty()) {
      LOG.warn("Alerts: stopping with {} alert(s) not sent: {}", left.alerts().size(), redact.apply(lines(left)));
    }
    return sender.close();
  }
}
