import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stream latency probe: runs a bounded number of SSE streams (a few at a time, keep-alive) and
 * measures, per stream, the time from sending the request to the first complete SSE event (TTFE,
 * "time to first event"), the time to the response headers, and the arrival time of every event,
 * so that events coalesced by a proxy show up as near-zero inter-arrival gaps.
 *
 * <pre>StreamProbe URL BODY_FILE STREAMS WARMUP_STREAMS CONCURRENCY MAX_SECONDS [Header: value]...</pre>
 *
 * The unmeasured warm-up streams run first, all of them, {@code -Dprobe.warmupConcurrency} at a
 * time (default: CONCURRENCY): this client (and a JVM proxy under test) needs on the order of a
 * thousand streams before its stream code is compiled (with 50, TTFE direct was ~0.7 ms higher),
 * and many at a time gets there sooner.
 *
 * Prints one line: {@code PROBE_RESULT key=value ...} (times in microseconds).
 */
public final class StreamProbe {

  static final List<Long> ttfe = Collections.synchronizedList(new ArrayList<>());
  static final List<Long> headers = Collections.synchronizedList(new ArrayList<>());
  static final List<Long> gaps = Collections.synchronizedList(new ArrayList<>());
  static final List<Integer> eventCounts = Collections.synchronizedList(new ArrayList<>());
  static final AtomicInteger errors = new AtomicInteger();
  static final Map<String, Integer> errorKinds = new TreeMap<>();

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println("usage: StreamProbe URL BODY_FILE STREAMS WARMUP CONCURRENCY MAX_SECONDS [Header: value]...");
      System.exit(2);
    }
    String url = args[0];
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[1])));
    int streams = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int concurrency = Math.max(1, Integer.parseInt(args[4]));
    long maxSeconds = Long.parseLong(args[5]);
    RequestOptions base = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .setIdleTimeout(15_000).setConnectTimeout(5_000)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream");
    for (int i = 6; i < args.length; i++) {
      int c = args[i].indexOf(':');
      base.putHeader(args[i].substring(0, c).trim(), args[i].substring(c + 1).trim());
    }
    int warmupConcurrency = Math.max(1, Integer.getInteger("probe.warmupConcurrency", concurrency));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClientAgent client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(Math.max(concurrency, warmupConcurrency)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    boolean finished = phase(vertx, client, base, body, warmup, false, warmupConcurrency, deadline)
        && phase(vertx, client, base, body, streams, true, concurrency, deadline);
    int completed = eventCounts.size();
    StringBuilder out = new StringBuilder("PROBE_RESULT");
    out.append(" finished=").append(finished)
        .append(" streams=").append(completed)
        .append(" errors=").append(errors.get())
        .append(" ttfe_p50_us=").append(pct(ttfe, 50))
        .append(" ttfe_p99_us=").append(pct(ttfe, 99))
        .append(" ttfe_max_us=").append(pct(ttfe, 100))
        .append(" headers_p50_us=").append(pct(headers, 50))
        .append(" headers_p99_us=").append(pct(headers, 99))
        .append(" events_min=").append(eventCounts.stream().mapToInt(Integer::intValue).min().orElse(0))
        .append(" events_max=").append(eventCounts.stream().mapToInt(Integer::intValue).max().orElse(0))
        .append(" gap_p1_us=").append(pct(gaps, 1))
        .append(" gap_p50_us=").append(pct(gaps, 50))
        .append(" gap_p99_us=").append(pct(gaps, 99))
        .append(" gaps=").append(gaps.size())
        .append(" gaps_under_2ms=").append(countBelow(gaps, 2_000));
    synchronized (errorKinds) {
      if (!errorKinds.isEmpty()) {
        out.append(" error_kinds=").append(errorKinds.toString().replace(' ', '_'));
      }
    }
    System.out.println(out);
    client.close();
    vertx.close();
    System.exit(0);
  }

  /** Runs {@code total} streams, {@code concurrency} at a time; false when the deadline passed first. */
  static boolean phase(Vertx vertx, HttpClientAgent client, RequestOptions base, Buffer body, int total,
                       boolean measured, int concurrency, long deadlineNanos) throws InterruptedException {
    AtomicInteger issued = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int w = 0; w < concurrency; w++) {
      vertx.runOnContext(v -> loop(vertx, client, base, body, issued, total, measured, done));
    }
    return done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  static void loop(Vertx vertx, HttpClientAgent client, RequestOptions base, Buffer body, AtomicInteger issued,
                   int total, boolean measured, CountDownLatch done) {
    int n = issued.getAndIncrement();
    if (n >= total) {
      done.countDown();
      return;
    }
    Runnable next = () -> loop(vertx, client, base, body, issued, total, measured, done);
    long[] t0 = new long[1];
    client.request(new RequestOptions(base)).compose(req -> {
      t0[0] = System.nanoTime();
      return req.send(body);
    }).onSuccess(resp -> {
      long th = System.nanoTime();
      if (resp.statusCode() != 200) {
        error("status_" + resp.statusCode());
        resp.body().onComplete(ar -> next.run());
        return;
      }
      read(resp, t0[0], th, measured, next);
    }).onFailure(err -> {
      error(err.getClass().getSimpleName());
      vertx.setTimer(50, t -> next.run());
    });
  }

  static void read(HttpClientResponse resp, long t0, long th, boolean measured, Runnable next) {
    List<Long> arrivals = new ArrayList<>(32);
    int[] lineLen = {0};
    boolean[] inEvent = {false};
    boolean[] finished = {false};
    resp.handler(buf -> {
      long now = System.nanoTime();
      int len = buf.length();
      for (int i = 0; i < len; i++) {
        byte b = buf.getByte(i);
        if (b == '\n') {
          if (lineLen[0] == 0 && inEvent[0]) {
            arrivals.add(now);
            inEvent[0] = false;
          }
          lineLen[0] = 0;
        } else if (b != '\r') {
          lineLen[0]++;
          inEvent[0] = true;
        }
      }
    });
    resp.exceptionHandler(err -> {
      if (!finished[0]) {
        finished[0] = true;
        error("stream_" + err.getClass().getSimpleName());
        next.run();
      }
    });
    resp.endHandler(v -> {
      if (finished[0]) {
        return;
      }
      finished[0] = true;
      if (inEvent[0]) {
        error("dangling_event_without_blank_line");
      }
      if (arrivals.isEmpty()) {
        error("no_events");
      } else if (measured) {
        headers.add((th - t0) / 1000);
        ttfe.add((arrivals.get(0) - t0) / 1000);
        for (int i = 1; i < arrivals.size(); i++) {
          gaps.add((arrivals.get(i) - arrivals.get(i - 1)) / 1000);
        }
        eventCounts.add(arrivals.size());
      }
      next.run();
    });
  }

  static void error(String kind) {
    errors.incrementAndGet();
    synchronized (errorKinds) {
      errorKinds.merge(kind, 1, Integer::sum);
    }
  }

  static long pct(List<Long> values, double p) {
    List<Long> copy;
    synchronized (values) {
      copy = new ArrayList<>(values);
    }
    if (copy.isEmpty()) {
      return -1;
    }
    Collections.sort(copy);
    int idx = (int) Math.ceil(p / 100.0 * copy.size()) - 1;
    return copy.get(Math.max(0, Math.min(copy.size() - 1, idx)));
  }

  static long countBelow(List<Long> values, long limit) {
    synchronized (values) {
      return values.stream().filter(v -> v < limit).count();
    }
  }
}
