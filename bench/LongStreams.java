import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Long-stream load: opens STREAMS concurrent SSE streams (one HTTP/1.1 connection each, at most
 * RAMP_PER_SEC new ones per second), holds them for HOLD_SECONDS once all are issued, then closes
 * everything and reports. Everything is bounded: the process exits after ramp + hold + 30 s at most.
 *
 * <pre>LongStreams URL BODY_FILE STREAMS RAMP_PER_SEC HOLD_SECONDS [Header: value]...</pre>
 *
 * A stream counts as an error when it fails to connect, gets a non-200 status, is reset, ends
 * before the hold is over, or has had no response headers by the end of the hold (the upstream is told to trickle for longer than the test). A stream is
 * "stalled" when it has received no event in the last STALL_MS (default 5000) at the end of the hold.
 * Time to headers: from issuing a stream to its response headers (p50, p99, max over established streams).
 * Prints progress lines {@code LONG_SAMPLE ...} on stderr and one {@code LONG_RESULT ...} line on stdout.
 */
public final class LongStreams {

  static final AtomicInteger issued = new AtomicInteger();
  static final AtomicInteger established = new AtomicInteger();
  static final AtomicInteger open = new AtomicInteger();
  static final AtomicInteger maxOpen = new AtomicInteger();
  static final AtomicInteger errors = new AtomicInteger();
  static final AtomicInteger endedEarly = new AtomicInteger();
  static final AtomicInteger failedBeforeResponse = new AtomicInteger();
  static final AtomicLong events = new AtomicLong();
  static final Map<String, Integer> errorKinds = new TreeMap<>();
  static volatile boolean holding = true;

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: LongStreams URL BODY_FILE STREAMS RAMP_PER_SEC HOLD_SECONDS [Header: value]...");
      System.exit(2);
    }
    String url = args[0];
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[1])));
    int streams = Integer.parseInt(args[2]);
    int rampPerSec = Math.max(10, Integer.parseInt(args[3]));
    int holdSeconds = Integer.parseInt(args[4]);
    long stallNanos = Long.getLong("stallMs", 5000L) * 1_000_000L;
    RequestOptions base = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .setConnectTimeout(10_000).setIdleTimeout(0)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream");
    for (int i = 5; i < args.length; i++) {
      int c = args[i].indexOf(':');
      base.putHeader(args[i].substring(0, c).trim(), args[i].substring(c + 1).trim());
    }
    int loops = Integer.getInteger("eventLoops", 2);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    HttpClientAgent client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true).setIdleTimeout(0),
        new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(streams).setEventLoopSize(loops));
    long[] lastEvent = new long[streams];
    long[] headersNanos = new long[streams];
    long start = System.nanoTime();
    CountDownLatch allIssued = new CountDownLatch(1);
    int perTick = Math.max(1, rampPerSec / 10);
    vertx.setPeriodic(100, id -> {
      for (int k = 0; k < perTick; k++) {
        int n = issued.get();
        if (n >= streams) {
          vertx.cancelTimer(id);
          allIssued.countDown();
          return;
        }
        issued.incrementAndGet();
        open(client, base, body, n, lastEvent, headersNanos);
      }
      if (issued.get() >= streams) {
        vertx.cancelTimer(id);
        allIssued.countDown();
      }
    });
    long rampBound = (long) Math.ceil(streams / (double) (perTick * 10)) + 10;
    if (!allIssued.await(rampBound, TimeUnit.SECONDS)) {
      System.err.println("LongStreams: ramp did not finish in " + rampBound + " s");
    }
    long rampDone = System.nanoTime();
    System.err.printf("LONG_SAMPLE phase=ramped t=%.1fs issued=%d established=%d open=%d errors=%d%n",
        (rampDone - start) / 1e9, issued.get(), established.get(), open.get(), errors.get());
    for (int s = 1; s <= holdSeconds; s++) {
      Thread.sleep(1000);
      if (s % 5 == 0 || s == holdSeconds) {
        System.err.printf("LONG_SAMPLE phase=hold t=%ds established=%d open=%d errors=%d events=%d%n",
            s, established.get(), open.get(), errors.get(), events.get());
      }
    }
    holding = false;
    // Issued streams that neither got response headers nor failed by the end of the hold: the
    // server accepted them (or left them in its accept queue) and never answered. Errors too.
    int noResponse = issued.get() - established.get() - failedBeforeResponse.get();
    if (noResponse > 0) {
      errors.addAndGet(noResponse);
      synchronized (errorKinds) {
        errorKinds.merge("no_response", noResponse, Integer::sum);
      }
    }
    long now = System.nanoTime();
    int openAtEnd = open.get();
    int stalled = 0;
    for (int i = 0; i < streams; i++) {
      long t = lastEvent[i];
      if (t != 0 && now - t > stallNanos) {
        stalled++;
      }
    }
    StringBuilder out = new StringBuilder("LONG_RESULT");
    out.append(" requested=").append(streams)
        .append(" issued=").append(issued.get())
        .append(" established=").append(established.get())
        .append(" max_open=").append(maxOpen.get())
        .append(" open_at_end=").append(openAtEnd)
        .append(" stalled_at_end=").append(stalled)
        .append(" errors=").append(errors.get())
        .append(" ended_early=").append(endedEarly.get())
        .append(" no_response=").append(Math.max(0, noResponse))
        .append(" events=").append(events.get())
        .append(String.format(" ramp_s=%.1f", (rampDone - start) / 1e9));
    long[] ttfh = java.util.Arrays.stream(headersNanos).filter(t -> t > 0).sorted().toArray();
    if (ttfh.length > 0) {
      out.append(" headers_p50_ms=").append(ttfh[(int) (ttfh.length * 0.50)] / 1_000_000)
          .append(" headers_p99_ms=").append(ttfh[Math.min(ttfh.length - 1, (int) (ttfh.length * 0.99))] / 1_000_000)
          .append(" headers_max_ms=").append(ttfh[ttfh.length - 1] / 1_000_000);
    }
    synchronized (errorKinds) {
      if (!errorKinds.isEmpty()) {
        out.append(" error_kinds=").append(errorKinds.toString().replace(' ', '_'));
      }
    }
    System.out.println(out);
    System.out.flush();
    // Close everything; do not wait forever.
    Thread killer = new Thread(() -> {
      try {
        Thread.sleep(15_000);
      } catch (InterruptedException ignored) {
      }
      Runtime.getRuntime().halt(0);
    });
    killer.setDaemon(true);
    killer.start();
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.exit(0);
  }

  static void open(HttpClientAgent client, RequestOptions base, Buffer body, int idx, long[] lastEvent,
      long[] headersNanos) {
    long issuedAt = System.nanoTime();
    client.request(new RequestOptions(base)).compose(req -> req.send(body)).onSuccess(resp -> {
      headersNanos[idx] = Math.max(1, System.nanoTime() - issuedAt);
      if (resp.statusCode() != 200) {
        failedBeforeResponse.incrementAndGet();
        error("status_" + resp.statusCode());
        resp.body();
        return;
      }
      established.incrementAndGet();
      int o = open.incrementAndGet();
      maxOpen.accumulateAndGet(o, Math::max);
      lastEvent[idx] = System.nanoTime();
      boolean[] closed = {false};
      int[] lineLen = {0};
      resp.handler(buf -> {
        int len = buf.length();
        for (int i = 0; i < len; i++) {
          byte b = buf.getByte(i);
          if (b == '\n') {
            if (lineLen[0] == 0) {
              events.incrementAndGet();
              lastEvent[idx] = System.nanoTime();
            }
            lineLen[0] = 0;
          } else if (b != '\r') {
            lineLen[0]++;
          }
        }
      });
      resp.exceptionHandler(err -> {
        if (!closed[0]) {
          closed[0] = true;
          open.decrementAndGet();
          if (holding) {
            error("reset_" + err.getClass().getSimpleName());
          }
        }
      });
      resp.endHandler(v -> {
        if (!closed[0]) {
          closed[0] = true;
          open.decrementAndGet();
          if (holding) {
            endedEarly.incrementAndGet();
            error("ended_early");
          }
        }
      });
    }).onFailure(err -> {
      failedBeforeResponse.incrementAndGet();
      if (holding) {
        error("connect_" + err.getClass().getSimpleName());
      }
    });
  }

  static void error(String kind) {
    errors.incrementAndGet();
    synchronized (errorKinds) {
      errorKinds.merge(kind, 1, Integer::sum);
    }
  }
}
