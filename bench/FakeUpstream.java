import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fast fake Gemini upstream for the benchmark, run as its own process:
 *
 * <pre>java -cp gemini-balance.jar:classes FakeUpstream PORT [EVENT_LOOPS]</pre>
 *
 * <ul>
 *   <li>{@code POST /v1beta/models/{m}:generateContent}: a small realistic GenerateContentResponse, at once.</li>
 *   <li>{@code POST /v1beta/models/{m}:streamGenerateContent?alt=sse}: N events M ms apart (CRLF framing,
 *       first event at once, finishReason + usageMetadata on the last). N and M come from the query
 *       ({@code fake_events}, {@code fake_interval_ms}), else the headers ({@code x-fake-events},
 *       {@code x-fake-interval-ms}), else the system properties {@code fake.events} (20) and
 *       {@code fake.intervalMs} (10). Without {@code alt=sse}: one JSON array, streamed.</li>
 *   <li>{@code GET /v1beta/models}, {@code GET /v1beta/models/{m}}.</li>
 *   <li>{@code GET /__stats[?resetMax=1]}: counters (requests, HTTP/2 requests, streams, open and
 *       max open streams, open and max open connections, requests per API key) so the harness can
 *       check what reached the upstream, over how many connections and with which key;
 *       {@code resetMax=1} first resets the high-water marks.</li>
 * </ul>
 * HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c, what the gateway speaks with
 * {@code UPSTREAM_H2C=true}) on the same port; like Google's API it allows 100 concurrent streams
 * per HTTP/2 connection (system property {@code fake.h2MaxStreams}).
 * A request without {@code x-goog-api-key} (or {@code ?key=}) gets Google's 403 error body.
 * Pure Vert.x core, no Jackson, no logging on the hot path.
 */
public final class FakeUpstream {

  static final int DEFAULT_EVENTS = Integer.getInteger("fake.events", 20);
  static final long DEFAULT_INTERVAL_MS = Long.getLong("fake.intervalMs", 10L);
  static final long H2_MAX_STREAMS = Long.getLong("fake.h2MaxStreams", 100L);

  static final LongAdder REQUESTS = new LongAdder();
  static final LongAdder STREAMS = new LongAdder();
  static final AtomicLong OPEN_STREAMS = new AtomicLong();
  static final AtomicLong MAX_OPEN_STREAMS = new AtomicLong();
  static final LongAdder H2_REQUESTS = new LongAdder();
  static final AtomicLong OPEN_CONNECTIONS = new AtomicLong();
  static final AtomicLong MAX_OPEN_CONNECTIONS = new AtomicLong();
  static final Map<String, LongAdder> PER_KEY = new ConcurrentHashMap<>();

  static final CharSequence CT_JSON = HttpHeaders.createOptimized("application/json; charset=UTF-8");
  static final CharSequence CT_SSE = HttpHeaders.createOptimized("text/event-stream");
  static final CharSequence H_VARY = HttpHeaders.createOptimized("Vary");
  static final CharSequence V_VARY = HttpHeaders.createOptimized("Origin, X-Origin, Referer");
  static final CharSequence H_SERVER = HttpHeaders.createOptimized("Server");
  static final CharSequence V_SERVER = HttpHeaders.createOptimized("scaffolding on HTTPServer2");
  static final CharSequence H_XCTO = HttpHeaders.createOptimized("X-Content-Type-Options");
  static final CharSequence V_XCTO = HttpHeaders.createOptimized("nosniff");
  static final CharSequence H_TIMING = HttpHeaders.createOptimized("Server-Timing");
  static final CharSequence V_TIMING = HttpHeaders.createOptimized("gfet4t7; dur=412");

  static final String RESPONSE_JSON = """
      {
        "candidates": [
          {
            "content": {
              "parts": [
                {
                  "text": "Packets arrive fast,\\nthe balancer spreads the load,\\nno key burns alone."
                }
              ],
              "role": "model"
            },
            "finishReason": "STOP",
            "index": 0
          }
        ],
        "usageMetadata": {
          "promptTokenCount": 9,
          "candidatesTokenCount": 19,
          "totalTokenCount": 49,
          "promptTokensDetails": [
            {
              "modality": "TEXT",
              "tokenCount": 9
            }
          ],
          "thoughtsTokenCount": 21
        },
        "modelVersion": "gemini-2.5-flash",
        "responseId": "bXk8aPj0OpLZ1e8P6pW7kAs"
      }
      """;
  static final Buffer RESPONSE = Buffer.buffer(RESPONSE_JSON.getBytes(StandardCharsets.UTF_8));

  static final String MODELS_JSON = """
      {
        "models": [
          {"name": "models/gemini-2.5-flash", "version": "001", "displayName": "Gemini 2.5 Flash",
           "description": "Stable version of Gemini 2.5 Flash", "inputTokenLimit": 1048576, "outputTokenLimit": 65536,
           "supportedGenerationMethods": ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"],
           "temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2, "thinking": true},
          {"name": "models/gemini-2.5-pro", "version": "2.5", "displayName": "Gemini 2.5 Pro",
           "description": "Stable release of Gemini 2.5 Pro", "inputTokenLimit": 1048576, "outputTokenLimit": 65536,
           "supportedGenerationMethods": ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"],
           "temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2, "thinking": true},
          {"name": "models/gemini-2.5-flash-lite", "version": "001", "displayName": "Gemini 2.5 Flash-Lite",
           "description": "Stable version of Gemini 2.5 Flash-Lite", "inputTokenLimit": 1048576, "outputTokenLimit": 65536,
           "supportedGenerationMethods": ["generateContent", "countTokens"],
           "temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2, "thinking": true},
          {"name": "models/gemini-embedding-001", "version": "001", "displayName": "Gemini Embedding 001",
           "description": "Obtain a distributed representation of a text.", "inputTokenLimit": 2048, "outputTokenLimit": 1,
           "supportedGenerationMethods": ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"]}
        ]
      }
      """;
  static final Buffer MODELS = Buffer.buffer(MODELS_JSON.getBytes(StandardCharsets.UTF_8));

  static final Buffer NO_KEY = Buffer.buffer("""
      {
        "error": {
          "code": 403,
          "message": "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
          "status": "PERMISSION_DENIED"
        }
      }
      """);
  static final Buffer NOT_FOUND = Buffer.buffer("""
      {
        "error": {
          "code": 404,
          "message": "Not found (fake upstream).",
          "status": "NOT_FOUND"
        }
      }
      """);

  static final String[] WORDS = {"Packets ", "arrive ", "fast, ", "the ", "balancer ", "spreads ", "the ",
      "load, ", "no ", "key ", "burns ", "alone. "};

  /** One SSE event (data line + blank line, CRLF as the real service), or one array element. */
  static Buffer event(int i, int n, boolean sse) {
    boolean last = i == n - 1;
    StringBuilder sb = new StringBuilder(320);
    sb.append("{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"")
        .append(last ? "" : WORDS[i % WORDS.length])
        .append("\"}],\"role\": \"model\"},");
    if (last) {
      sb.append("\"finishReason\": \"STOP\",");
    }
    sb.append("\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"candidatesTokenCount\": ")
        .append(i + 1).append(",\"totalTokenCount\": ").append(i + 10)
        .append("},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"c3RyZWFtLWJlbmNo\"}");
    String json = sb.toString();
    if (sse) {
      return Buffer.buffer("data: " + json + "\r\n\r\n");
    }
    return Buffer.buffer((i == 0 ? "[" : ",\r\n") + json + (last ? "]" : ""));
  }

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: FakeUpstream PORT [EVENT_LOOPS]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    String host = System.getProperty("fake.host", "127.0.0.1");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    vertx.deployVerticle(() -> new Server(host, port), new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.println("FakeUpstream listening on " + host + ":" + port
            + " (" + loops + " event loop(s), stream default " + DEFAULT_EVENTS + " events "
            + DEFAULT_INTERVAL_MS + " ms apart)"))
        .onFailure(err -> {
          System.err.println("FakeUpstream failed to listen on " + host + ":" + port + ": " + err);
          System.exit(1);
        });
  }

  static final class Server extends VerticleBase {
    final String host;
    final int port;

    Server(String host, int port) {
      this.host = host;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      HttpServerOptions opts = new HttpServerOptions()
          .setHost(host).setPort(port)
          .setTcpNoDelay(true)
          .setAcceptBacklog(4096)
          .setIdleTimeout(0)
          .setCompressionSupported(false)
          .setHttp2ClearTextEnabled(true)
          .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(H2_MAX_STREAMS));
      return vertx.createHttpServer(opts).connectionHandler(conn -> {
        long n = OPEN_CONNECTIONS.incrementAndGet();
        MAX_OPEN_CONNECTIONS.accumulateAndGet(n, Math::max);
        conn.closeHandler(v -> OPEN_CONNECTIONS.decrementAndGet());
      }).requestHandler(this::handle).listen();
    }

    void handle(HttpServerRequest req) {
      String path = req.path();
      if (req.method() == HttpMethod.GET && path.equals("/__stats")) {
        if ("1".equals(req.getParam("resetMax"))) {
          MAX_OPEN_STREAMS.set(OPEN_STREAMS.get());
          MAX_OPEN_CONNECTIONS.set(OPEN_CONNECTIONS.get());
        }
        stats(req);
        return;
      }
      REQUESTS.increment();
      if (req.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
        H2_REQUESTS.increment();
      }
      String key = req.getHeader("x-goog-api-key");
      if (key == null) {
        key = req.getParam("key");
      }
      HttpServerResponse resp = req.response();
      if (key == null || key.isEmpty()) {
        resp.setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, CT_JSON).end(NO_KEY);
        return;
      }
      PER_KEY.computeIfAbsent(key, k -> new LongAdder()).increment();
      if (req.method() == HttpMethod.POST && path.endsWith(":generateContent")) {
        req.body().onSuccess(body -> {
          common(resp).putHeader(HttpHeaders.CONTENT_TYPE, CT_JSON).end(RESPONSE);
        });
      } else if (req.method() == HttpMethod.POST && path.endsWith(":streamGenerateContent")) {
        req.body().onSuccess(body -> stream(req, resp));
      } else if (req.method() == HttpMethod.GET && (path.equals("/v1beta/models") || path.equals("/v1beta/models/"))) {
        common(resp).putHeader(HttpHeaders.CONTENT_TYPE, CT_JSON).end(MODELS);
      } else if (req.method() == HttpMethod.GET && path.startsWith("/v1beta/models/")) {
        String m = path.substring("/v1beta/models/".length());
        common(resp).putHeader(HttpHeaders.CONTENT_TYPE, CT_JSON).end("{\"name\": \"models/" + m
            + "\", \"version\": \"001\", \"displayName\": \"" + m + "\", \"inputTokenLimit\": 1048576,"
            + " \"outputTokenLimit\": 65536, \"supportedGenerationMethods\": [\"generateContent\", \"countTokens\"]}");
      } else {
        req.body().onComplete(ar -> resp.setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, CT_JSON).end(NOT_FOUND));
      }
    }

    static HttpServerResponse common(HttpServerResponse resp) {
      return resp.putHeader(H_VARY, V_VARY).putHeader(H_SERVER, V_SERVER).putHeader(H_XCTO, V_XCTO)
          .putHeader(H_TIMING, V_TIMING);
    }

    static int intParam(HttpServerRequest req, String query, String header, int dflt) {
      String v = req.getParam(query);
      if (v == null) {
        v = req.getHeader(header);
      }
      if (v == null) {
        return dflt;
      }
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        return dflt;
      }
    }

    void stream(HttpServerRequest req, HttpServerResponse resp) {
      boolean sse = "sse".equals(req.getParam("alt"));
      int n = Math.max(1, Math.min(1_000_000, intParam(req, "fake_events", "x-fake-events", DEFAULT_EVENTS)));
      long interval = Math.max(0, Math.min(3_600_000, intParam(req, "fake_interval_ms", "x-fake-interval-ms",
          (int) DEFAULT_INTERVAL_MS)));
      STREAMS.increment();
      long open = OPEN_STREAMS.incrementAndGet();
      MAX_OPEN_STREAMS.accumulateAndGet(open, Math::max);
      common(resp).setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, sse ? CT_SSE : CT_JSON)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      StreamState st = new StreamState(resp, n, interval, sse);
      resp.closeHandler(v -> st.stop());
      resp.exceptionHandler(err -> st.stop());
      st.next();
    }

    final class StreamState {
      final HttpServerResponse resp;
      final int n;
      final long interval;
      final boolean sse;
      int i;
      long timer = -1;
      boolean done;

      StreamState(HttpServerResponse resp, int n, long interval, boolean sse) {
        this.resp = resp;
        this.n = n;
        this.interval = interval;
        this.sse = sse;
      }

      void next() {
        while (!done) {
          Buffer ev = event(i, n, sse);
          i++;
          if (i >= n) {
            done = true;
            OPEN_STREAMS.decrementAndGet();
            resp.end(ev);
            return;
          }
          resp.write(ev);
          if (interval > 0) {
            timer = vertx.setTimer(interval, t -> {
              timer = -1;
              next();
            });
            return;
          }
        }
      }

      void stop() {
        if (!done) {
          done = true;
          OPEN_STREAMS.decrementAndGet();
          if (timer >= 0) {
            vertx.cancelTimer(timer);
          }
        }
      }
    }

    static void stats(HttpServerRequest req) {
      StringBuilder sb = new StringBuilder();
      sb.append("{\"requests\":").append(REQUESTS.sum())
          .append(",\"h2Requests\":").append(H2_REQUESTS.sum())
          .append(",\"openConnections\":").append(OPEN_CONNECTIONS.get())
          .append(",\"maxOpenConnections\":").append(MAX_OPEN_CONNECTIONS.get())
          .append(",\"streams\":").append(STREAMS.sum())
          .append(",\"openStreams\":").append(OPEN_STREAMS.get())
          .append(",\"maxOpenStreams\":").append(MAX_OPEN_STREAMS.get())
          .append(",\"keys\":{");
      boolean first = true;
      for (Map.Entry<String, LongAdder> e : PER_KEY.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append('"').append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\"")).append("\":")
            .append(e.getValue().sum());
      }
      sb.append("}}\n");
      req.response().putHeader(HttpHeaders.CONTENT_TYPE, CT_JSON).end(sb.toString());
    }
  }
}
