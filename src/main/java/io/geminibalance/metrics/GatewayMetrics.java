package io.geminibalance.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's Prometheus metrics (METRICS_ENABLED): one Micrometer registry that the request
 * path records into through {@link RequestMeter}s, that the application adds gauges to (keys by
 * state, queue and log depths: read when scraped, never per request), and that Vert.x's HTTP server
 * and client metrics and the JVM's go to. {@link #OFF} records nothing: the server then does not
 * even create meters per request.
 *
 * <p>Labels stay bounded whatever clients send: the surface is one of {@link Surface}, the status
 * a number, the model what {@link #modelLabels} makes of a name (the application maps names the
 * pools keep no quota state for to {@value #OTHER}), and at most {@link #MAX_MODEL_LABELS} model
 * labels exist per metric. No key, token or fingerprint is ever a label. The meters of a label
 * set are registered once and kept, so a request looks them up without building tags.
 */
public final class GatewayMetrics implements AutoCloseable {
  /** Records nothing. */
  public static final GatewayMetrics OFF = new GatewayMetrics(null);
  /** The model label of names outside the pools' models, and beyond {@link #MAX_MODEL_LABELS}. */
  public static final String OTHER = "other";
  /** The model label of a request that never named one (model lists, files, refused early). */
  public static final String NONE = "none";
  static final int MAX_MODEL_LABELS = 500;

  /** Whole requests and upstream attempts: from a fast refusal to a long generation. */
  private static final Duration[] LATENCY_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
      10, 30, 60, 120, 300);
  /** The gateway's own time per request: tens of microseconds when all is well. */
  private static final Duration[] OVERHEAD_BUCKETS = seconds(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
      0.005, 0.01, 0.025, 0.05, 0.1);
  /** Waits for a key in the queue: up to QUEUE_TIMEOUT_SECONDS. */
  private static final Duration[] WAIT_BUCKETS = seconds(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120);

  private final PrometheusMeterRegistry registry;
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
  private volatile Function<String, String> modelLabels = name -> OTHER;
  private final List<Map<String, RequestMeters>> requests = new ArrayList<>();
  private final List<Timer> overhead = new ArrayList<>();
  private final Map<String, AttemptMeters> attempts = new ConcurrentHashMap<>();
  private final Map<String, TokenMeters> tokens = new ConcurrentHashMap<>();
  private final Counter refusedByGateway;
  private final Counter refusedByGoogle;
  private final Timer queueWait;

  private GatewayMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    if (registry == null) {
      refusedByGateway = null;
      refusedByGoogle = null;
      queueWait = null;
      return;
    }
    for (Surface surface : Surface.values()) {
      requests.add(new ConcurrentHashMap<>());
      overhead.add(Timer.builder("gb.gateway.overhead")
          .description("The gateway's own time per request up to the response's first byte: after the body"
              + " was read, less upstream attempts and waits for a key")
          .tag("surface", surface.label()).serviceLevelObjectives(OVERHEAD_BUCKETS).register(registry));
    }
    refusedByGateway = rateLimited("gateway");
    refusedByGoogle = rateLimited("google");
    queueWait = Timer.builder("gb.queue.wait").description("Time requests waited in the queue for a key")
        .serviceLevelObjectives(WAIT_BUCKETS).register(registry);
  }

  /** Metrics on: a Prometheus registry with the JVM's metrics bound. */
  public static GatewayMetrics on() {
    GatewayMetrics metrics = new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    new JvmMemoryMetrics().bindTo(metrics.registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(metrics.registry);
    metrics.closeables.add(gc);
    new JvmThreadMetrics().bindTo(metrics.registry);
    new ClassLoaderMetrics().bindTo(metrics.registry);
    new ProcessorMetrics().bindTo(metrics.registry);
    new UptimeMetrics().bindTo(metrics.registry);
    return metrics;
  }

  public boolean enabled() {
    return registry != null;
  }

  /** The registry, for Vert.x's metrics; null when off. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * How a requested model name becomes a label: the application's pools decide which names are
   * theirs (others become {@value #OTHER}). Applies to requests recorded from now on.
   */
  public void modelLabels(Function<String, String> labels) {
    this.modelLabels = labels;
  }

  /** A meter for one request on {@code surface}; {@link RequestMeter#NONE} when off. */
  public RequestMeter start(Surface surface) {
    return registry == null ? RequestMeter.NONE : new RequestMeter(this, surface, System.nanoTime());
  }

  /** A gauge read when scraped. */
  public void gauge(String name, String description, Supplier<Number> value, String... tags) {
    if (registry != null) {
      Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }
  }

  /** A counter whose total {@code value} keeps, read when scraped. */
  public <T> void counter(String name, String description, T source, ToDoubleFunction<T> value, String... tags) {
    if (registry != null) {
      FunctionCounter.builder(name, source, value).description(description).tags(tags).register(registry);
    }
  }

  /** A row of a per-scrape table of gauges (see {@link #table}). */
  public record Row(Tags tags, double value) {}

  /**
   * Gauges whose label sets come and go (keys by state per model): {@code rows} is called once
   * per scrape, before the registry is read, and replaces the previous rows.
   */
  public void table(String name, String description, Supplier<List<Row>> rows) {
    if (registry == null) {
      return;
    }
    MultiGauge gauge = MultiGauge.builder(name).description(description).register(registry);
    beforeScrape.add(() -> gauge.register(rows.get().stream()
        .map(row -> MultiGauge.Row.of(row.tags(), row.value())).toList(), true));
  }

  /**
   * The Prometheus text exposition of everything registered. Refreshes the tables first, which
   * may walk every key of the pools: call it off the event loops.
   */
  public String scrape() {
    if (registry == null) {
      throw new IllegalStateException("metrics are off");
    }
    beforeScrape.forEach(Runnable::run);
    return registry.scrape();
  }

  void request(Surface surface, String model, int status, long durationNanos, long firstByteNanos,
      long overheadNanos, boolean gatewayAnswered429) {
    RequestMeters meters = requestMeters(surface, model);
    meters.status(status).increment();
    meters.duration.record(durationNanos, TimeUnit.NANOSECONDS);
    if (firstByteNanos >= 0) {
      meters.firstByte.record(firstByteNanos, TimeUnit.NANOSECONDS);
    }
    if (overheadNanos >= 0) {
      overhead.get(surface.ordinal()).record(overheadNanos, TimeUnit.NANOSECONDS);
    }
    if (status == 429) {
      (gatewayAnswered429 ? refusedByGateway : refusedByGoogle).increment();
    }
  }

  void attempt(String model, AttemptOutcome outcome, int attempt, long nanos) {
    AttemptMeters meters = labelled(attempts, model, AttemptMeters::new);
    meters.outcome(outcome).increment();
    meters.latency.record(nanos, TimeUnit.NANOSECONDS);
    if (attempt > 1) {
      meters.retries.increment();
    }
  }

  void tokens(String model, Integer prompt, Integer cached, Integer output, Integer thinking) {
    TokenMeters meters = labelled(tokens, model, TokenMeters::new);
    add(meters.prompt, prompt);
    add(meters.cached, cached);
    add(meters.output, output);
    add(meters.thinking, thinking);
  }

  private static void add(Counter counter, Integer count) {
    if (count != null && count > 0) {
      counter.increment(count);
    }
  }

  void queueWait(long nanos) {
    queueWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  private RequestMeters requestMeters(Surface surface, String model) {
    return labelled(requests.get(surface.ordinal()), model, label -> new RequestMeters(surface, label));
  }

  /**
   * The meters of {@code model}'s label, registered on first use; past {@link #MAX_MODEL_LABELS}
   * labels in one map, new ones share {@value #OTHER}'s (a last guard: the application's labels
   * are bounded already).
   */
  private <M> M labelled(Map<String, M> byLabel, String model, Function<String, M> create) {
    String label = model == null || model.isEmpty() ? NONE : modelLabels.apply(model);
    M meters = byLabel.get(label);
    if (meters != null) {
      return meters;
    }
    if (byLabel.size() >= MAX_MODEL_LABELS) {
      label = OTHER;
    }
    return byLabel.computeIfAbsent(label, create);
  }

  private Counter rateLimited(String source) {
    return Counter.builder("gb.rate.limited.responses")
        .description("Responses with status 429, by who refused: the gateway's own pool, or Google")
        .tag("source", source).register(registry);
  }

  /** The meters of one surface and model; a counter per status, registered when first seen. */
  private final class RequestMeters {
    private final String surface;
    private final String model;
    final Timer duration;
    final Timer firstByte;
    private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(600);

    RequestMeters(Surface surface, String model) {
      this.surface = surface.label();
      this.model = model;
      duration = Timer.builder("gb.request.duration")
          .description("Client requests from arrival to the end of the response")
          .tags("surface", this.surface, "model", model).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
      firstByte = Timer.builder("gb.request.first.byte")
          .description("Client requests from arrival to the response's first byte (its headers)")
          .tags("surface", this.surface, "model", model).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    Counter status(int status) {
      int index = status >= 100 && status < 600 ? status : 0;
      Counter counter = byStatus.get(index);
      if (counter == null) {
        // Registering twice returns the same counter: a race here only costs a look-up.
        counter = Counter.builder("gb.requests").description("Client requests by surface, model and status")
            .tags("surface", surface, "model", model, "status", index == 0 ? OTHER : Integer.toString(status))
            .register(registry);
        byStatus.set(index, counter);
      }
      return counter;
    }
  }

  /**
   * The tokens of one model's answers by kind, as Google reported them: prompt (cached included),
   * cached, output (candidates), thinking.
   */
  private final class TokenMeters {
    final Counter prompt;
    final Counter cached;
    final Counter output;
    final Counter thinking;

    TokenMeters(String model) {
      prompt = kind(model, "prompt");
      cached = kind(model, "cached");
      output = kind(model, "output");
      thinking = kind(model, "thinking");
    }

    private Counter kind(String model, String kind) {
      return Counter.builder("gb.tokens").description("Tokens of upstream answers by model and kind, as Google"
          + " reported them (prompt includes cached)").tags("model", model, "kind", kind).register(registry);
    }
  }

  /** The meters of one model's upstream attempts. */
  private final class AttemptMeters {
    private final String model;
    final Timer latency;
    final Counter retries;
    private final AtomicReferenceArray<Counter> byOutcome = new AtomicReferenceArray<>(AttemptOutcome.values().length);

    AttemptMeters(String model) {
      this.model = model;
      latency = Timer.builder("gb.upstream.attempt.duration")
          .description("Upstream attempts from sending to their outcome (headers, or the error body read)")
          .tag("model", model).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
      retries = Counter.builder("gb.upstream.retries").description("Upstream attempts that retried a request")
          .tag("model", model).register(registry);
    }

    Counter outcome(AttemptOutcome outcome) {
      Counter counter = byOutcome.get(outcome.ordinal());
      if (counter == null) {
        counter = Counter.builder("gb.upstream.attempts").description("Upstream attempts by model and outcome")
            .tags("model", model, "outcome", outcome.label()).register(registry);
        byOutcome.set(outcome.ordinal(), counter);
      }
      return counter;
    }
  }

  private static Duration[] seconds(double... values) {
    Duration[] buckets = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      buckets[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return buckets;
  }

  /** Unbinds what holds JVM listeners (GC notifications) and closes the registry. */
  @Override
  public void close() {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Nothing left to do about a listener that will not unbind.
      }
    }
    if (registry != null) {
      registry.close();
    }
  }
}
