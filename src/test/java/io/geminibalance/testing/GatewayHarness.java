package io.geminibalance.testing;

import io.geminibalance.app.Gateway;
import io.geminibalance.app.IoTransport;
import io.geminibalance.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A running gateway in front of a {@link FakeGemini}, both on ephemeral ports, plus a plain JDK
 * HTTP client for raw calls. Three pool keys and one client token by default.
 *
 * <p>Closed by the test that started it, or, registered as a JUnit extension, shared by a whole
 * test class: {@code @RegisterExtension static final GatewayHarness h = GatewayHarness.start();}
 * then forgets the fake upstream's requests and rules before each test and stops after the last.
 */
public final class GatewayHarness implements AutoCloseable, BeforeEachCallback, AfterAllCallback {
  public static final String CLIENT_TOKEN = "tok-client-0001";
  public static final String ADMIN_TOKEN = "tok-admin-0002";
  public static final String KEY_A = "key-aaaa-1111";
  public static final String KEY_B = "key-bbbb-2222";
  public static final String KEY_C = "key-cccc-3333";

  public final Vertx vertx;
  public final FakeGemini fake;
  public final Gateway gateway;
  public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private GatewayHarness(Vertx vertx, FakeGemini fake, Gateway gateway) {
    this.vertx = vertx;
    this.fake = fake;
    this.gateway = gateway;
  }

  public static GatewayHarness start() {
    return start(Map.of());
  }

  public static GatewayHarness start(Map<String, String> overrides) {
    return start(overrides, tempDatabase());
  }

  /** Starts on the given SQLite file, so a test can restart a gateway on the same database. */
  public static GatewayHarness start(Map<String, String> overrides, String sqliteFile) {
    // The transport production picks (epoll on Linux), so gateway-level tests cover what ships;
    // -Dtest.io.transport=nio runs them on the other.
    // Metrics as production has them (METRICS_ENABLED, on unless a test turns them off), with
    // Vert.x's HTTP metrics bound as Main binds them.
    GatewayMetrics metrics = Gateway.metrics(overrides);
    Vertx vertx = IoTransport.vertx(IoTransport.choose(Map.of(IoTransport.SETTING,
        overrides.getOrDefault(IoTransport.SETTING, System.getProperty("test.io.transport", "auto")))), metrics);
    FakeGemini fake = FakeGemini.start(vertx);
    Map<String, String> env = new HashMap<>();
    env.put("API_KEYS", "[\"" + KEY_A + "\",\"" + KEY_B + "\",\"" + KEY_C + "\"]");
    env.put("ALLOWED_TOKENS", "[\"" + CLIENT_TOKEN + "\"]");
    env.put("AUTH_TOKEN", ADMIN_TOKEN);
    env.put("BASE_URL", fake.baseUrl());
    env.put("PORT", "0");
    env.put("HOST", "127.0.0.1");
    env.put("CHECK_INTERVAL_HOURS", "0");
    env.put("DEFAULT_RPM", "0");
    env.put("DEFAULT_RPD", "0");
    env.put("DATABASE_TYPE", "sqlite");
    env.put("SQLITE_DATABASE", sqliteFile);
    env.putAll(overrides);
    try {
      Gateway gateway = Gateway.start(vertx, env, metrics).await(20, TimeUnit.SECONDS);
      // The gateway fetches the model list at start-up; tests count upstream calls from here on.
      gateway.modelListFetched().await(20, TimeUnit.SECONDS);
      fake.reset();
      return new GatewayHarness(vertx, fake, gateway);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(e);
    }
  }

  public static String tempDatabase() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gb-test-");
      dir.toFile().deleteOnExit();
      return dir.resolve("gateway.db").toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + gateway.port() + path;
  }

  public HttpResponse<String> get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  public HttpResponse<String> post(String path, String body, String... headers) {
    return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** {@code PUT /api/config} with {@code json} (setting names to values), as the admin. */
  public HttpResponse<String> putConfig(String json) {
    return send(request("/api/config", "authorization", "Bearer " + ADMIN_TOKEN, "content-type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  public HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url(path)))
        .timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return builder;
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      gateway.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    fake.reset();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }
}
