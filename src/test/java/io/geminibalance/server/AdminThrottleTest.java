package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.AdminCredential;
import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.requestlog.TokenFingerprints;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API's failure throttle, over real HTTP from 127.0.0.1 with a clock the test moves (no
 * minute-long sleeps), and its memory bound.
 */
class AdminThrottleTest {
  private static final String ADMIN = "admin-token-for-throttle-1234";
  private static final String CLIENT = "client-token-for-throttle-5678";
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final AtomicLong now = new AtomicLong(-5 * SECOND);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private HttpServer server;
  private AdminThrottle throttle;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    throttle = new AdminThrottle(10, now::get, AdminThrottle.MAX_TRACKED);
    ClientAuthenticator authenticator = new ClientAuthenticator(List.of(CLIENT, ADMIN), AdminCredential.ofAuthToken(ADMIN),
        new TokenFingerprints(new byte[32]));
    Router router = Router.router(vertx);
    // These requests carry no session cookie, so no session store is needed.
    router.route("/api/*").handler(new AdminAuth(authenticator, throttle, null));
    router.get("/api/config").handler(rc -> rc.end("ok"));
    router.route("/v1beta/*").handler(new NativeAuth(authenticator, throttle, null)).handler(rc -> rc.end("ok"));
    router.route("/v1/*").handler(new OpenAiAuth(authenticator, throttle, null)).handler(rc -> rc.end("ok"));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private HttpResponse<String> get(String authorization) throws Exception {
    return send("/api/config", authorization == null ? new String[0] : new String[] {"authorization", authorization});
  }

  /** A native call with {@code token} in x-goog-api-key. */
  private HttpResponse<String> gemini(String token) throws Exception {
    return send("/v1beta/models/m:generateContent", "x-goog-api-key", token);
  }

  /** An OpenAI call with {@code token} as its Bearer token. */
  private HttpResponse<String> openAi(String token) throws Exception {
    return send("/v1/chat/completions", "authorization", "Bearer " + token);
  }

  private HttpResponse<String> send(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
        + path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theEleventhFailureWithinAMinuteGets429AndEvenTheRightTokenWaitsForTheWindow() throws Exception {
    for (int i = 0; i < 10; i++) {
      now.addAndGet(SECOND);
      assertThat(get("Bearer wrong-" + i).statusCode()).as("failure %d", i + 1).isEqualTo(401);
    }
    // The window started with the first failure, 9 s ago.
    HttpResponse<String> eleventh = get("Bearer wrong-10");
    assertThat(eleventh.statusCode()).isEqualTo(429);
    assertThat(eleventh.headers().firstValue("retry-after")).hasValue("51");
    JsonObject error = new JsonObject(eleventh.body()).getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(429);
    assertThat(error.getString("status")).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(error.getString("message")).contains("too many failed authentications");

    assertThat(get("Bearer " + ADMIN).statusCode()).as("the right token, refused too").isEqualTo(429);
    now.addAndGet(50 * SECOND + SECOND / 2);
    HttpResponse<String> almost = get("Bearer " + ADMIN);
    assertThat(almost.statusCode()).isEqualTo(429);
    assertThat(almost.headers().firstValue("retry-after")).hasValue("1");

    now.addAndGet(SECOND / 2);
    assertThat(get("Bearer " + ADMIN).statusCode()).as("once the minute has passed").isEqualTo(200);
    assertThat(get("Bearer wrong-again").statusCode()).as("a fresh window").isEqualTo(401);
  }

  @Test
  void dataPlaneFailuresCountTooAndWhileThrottledTheAdminTokenIsRefusedOnEveryPlaneButClientTokensWork()
      throws Exception {
    assertThat(gemini(ADMIN).statusCode()).as("the admin token is accepted on the data plane").isEqualTo(200);
    assertThat(openAi(ADMIN).statusCode()).isEqualTo(200);
    for (int i = 0; i < 10; i++) {
      now.addAndGet(SECOND);
      HttpResponse<String> failed = i % 2 == 0 ? gemini("wrong-" + i) : openAi("wrong-" + i);
      assertThat(failed.statusCode()).as("failure %d", i + 1).isEqualTo(401);
    }
    HttpResponse<String> eleventh = send("/v1beta/models/m:generateContent?key=wrong-10");
    assertThat(eleventh.statusCode()).isEqualTo(429);
    assertThat(eleventh.headers().firstValue("retry-after")).hasValue("51");

    HttpResponse<String> nativeAdmin = gemini(ADMIN);
    assertThat(nativeAdmin.statusCode()).as("the right admin token on /v1beta").isEqualTo(429);
    assertThat(nativeAdmin.headers().firstValue("retry-after")).hasValue("51");
    JsonObject nativeError = new JsonObject(nativeAdmin.body()).getJsonObject("error");
    assertThat(nativeError.getInteger("code")).isEqualTo(429);
    assertThat(nativeError.getString("status")).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(nativeError.getString("message")).contains("Too many failed authentications", "51 s");

    HttpResponse<String> openAiAdmin = openAi(ADMIN);
    assertThat(openAiAdmin.statusCode()).as("the right admin token on /v1").isEqualTo(429);
    assertThat(openAiAdmin.headers().firstValue("retry-after")).hasValue("51");
    JsonObject openAiError = new JsonObject(openAiAdmin.body()).getJsonObject("error");
    assertThat(openAiError.getString("type")).isEqualTo("rate_limit_error");
    assertThat(openAiError.getString("code")).isEqualTo("rate_limit_exceeded");

    assertThat(get("Bearer " + ADMIN).statusCode()).as("the right admin token on /api").isEqualTo(429);
    assertThat(gemini("wrong-11").statusCode()).as("a wrong token: 429, not 401").isEqualTo(429);

    assertThat(gemini(CLIENT).statusCode()).as("client tokens keep working").isEqualTo(200);
    assertThat(openAi(CLIENT).statusCode()).isEqualTo(200);
    assertThat(get("Bearer " + ADMIN).statusCode()).as("a client token does not clear the window").isEqualTo(429);

    now.addAndGet(51 * SECOND);
    assertThat(gemini(ADMIN).statusCode()).as("once the minute has passed").isEqualTo(200);
    assertThat(openAi(ADMIN).statusCode()).isEqualTo(200);
    assertThat(get("Bearer " + ADMIN).statusCode()).isEqualTo(200);
  }

  @Test
  void dataPlaneRequestsWithoutACredentialAreNotCounted() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(send("/v1beta/models/m:generateContent").statusCode()).isEqualTo(401);
      assertThat(send("/v1/chat/completions").statusCode()).isEqualTo(401);
      assertThat(send("/v1/chat/completions", "authorization", "Basic eDp5").statusCode()).isEqualTo(401);
    }
    assertThat(get("Bearer " + ADMIN).statusCode()).isEqualTo(200);
  }

  @Test
  void aClientTokenIsAFailedAdminAuthentication() throws Exception {
    for (int i = 0; i < 10; i++) {
      assertThat(get("Bearer " + CLIENT).statusCode()).isEqualTo(401);
    }
    assertThat(get("Bearer " + CLIENT).statusCode()).isEqualTo(429);
  }

  @Test
  void requestsWithoutAnyCredentialAreNotCounted() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(get(null).statusCode()).isEqualTo(401);
    }
    assertThat(get("Bearer " + ADMIN).statusCode()).isEqualTo(200);
  }

  @Test
  void aSuccessForgetsEarlierFailures() throws Exception {
    for (int i = 0; i < 9; i++) {
      get("Bearer wrong-" + i);
    }
    assertThat(get("Bearer " + ADMIN).statusCode()).isEqualTo(200);
    for (int i = 0; i < 10; i++) {
      assertThat(get("Bearer wrong-" + i).statusCode()).isEqualTo(401);
    }
    assertThat(get("Bearer " + ADMIN).statusCode()).isEqualTo(429);
  }

  @Test
  void theLimitIsALiveSetting() throws Exception {
    throttle.updateLimit(2);
    get("Bearer wrong-1");
    get("Bearer wrong-2");
    assertThat(get("Bearer " + ADMIN).statusCode()).isEqualTo(429);
  }

  @Test
  void trackedAddressesAreCappedAndBeyondTheCapAddressesShareOneWindow() {
    AtomicLong clock = new AtomicLong();
    AdminThrottle capped = new AdminThrottle(3, clock::get, 3);
    for (String address : List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")) {
      capped.failed(address);
    }
    assertThat(capped.trackedAddresses()).isEqualTo(3);

    // Three new addresses, one failure each: they go to the shared overflow window, not the map.
    for (String address : List.of("10.0.1.1", "10.0.1.2", "10.0.1.3")) {
      capped.failed(address);
    }
    assertThat(capped.trackedAddresses()).isEqualTo(3);
    assertThat(capped.retryAfterSeconds("10.0.9.9").result()).as("any other new address: the overflow is used up")
        .isEqualTo(60);
    assertThat(capped.retryAfterSeconds("10.0.0.1").result()).as("a tracked address keeps its own window").isZero();

    // A minute later the old windows have expired and make room again.
    clock.addAndGet(TimeUnit.MINUTES.toNanos(1));
    assertThat(capped.retryAfterSeconds("10.0.9.9").result()).isZero();
    capped.failed("10.0.2.1");
    assertThat(capped.trackedAddresses()).isEqualTo(1);
  }

  @Test
  void anIpv6ClientIsCountedByItsSlash64AndAnIpv4ClientByItsAddress() {
    AtomicLong clock = new AtomicLong();
    AdminThrottle throttle = new AdminThrottle(3, clock::get, AdminThrottle.MAX_TRACKED);
    for (String address : List.of("2001:db8:0:7::1", "2001:db8:0:7::2", "2001:db8:0:7:ffff:ffff:ffff:ffff")) {
      throttle.failed(address);
    }
    assertThat(throttle.trackedAddresses()).as("one /64").isEqualTo(1);
    assertThat(throttle.retryAfterSeconds("2001:DB8:0:7:1:2:3:4").result()).as("any address in that /64").isEqualTo(60);
    assertThat(throttle.retryAfterSeconds("2001:db8:0:8::1").result()).as("the next /64").isZero();
    throttle.succeeded("2001:db8:0:7::abcd");
    assertThat(throttle.retryAfterSeconds("2001:db8:0:7::1").result()).as("a success clears the /64").isZero();

    for (String address : List.of("10.0.0.1", "10.0.0.1", "::ffff:10.0.0.1")) {
      throttle.failed(address);
    }
    assertThat(throttle.retryAfterSeconds("10.0.0.1").result()).as("IPv4-mapped is the IPv4 address").isEqualTo(60);
    assertThat(throttle.retryAfterSeconds("10.0.0.2").result()).as("IPv4 by /32").isZero();

    assertThat(AdminThrottle.key("2001:DB8:0:7:1:2:3:4")).isEqualTo("2001:db8:0:7::/64");
    assertThat(AdminThrottle.key("::1")).isEqualTo("::/64");
    assertThat(AdminThrottle.key("203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(AdminThrottle.key("unknown")).isEqualTo("unknown");
  }

  @Test
  void manyAddressesNeverGrowTheMapBeyondItsCap() {
    AtomicLong clock = new AtomicLong();
    AdminThrottle throttled = new AdminThrottle(10, clock::get, AdminThrottle.MAX_TRACKED);
    for (int i = 0; i < 3 * AdminThrottle.MAX_TRACKED; i++) {
      throttled.failed("192.0." + (i >> 8) + "." + (i & 0xff));
      clock.addAndGet(1000);
    }
    assertThat(throttled.trackedAddresses()).isEqualTo(AdminThrottle.MAX_TRACKED);
  }
}
