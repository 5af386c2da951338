package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.config.ConfigValues;
import io.geminibalance.testing.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientOrigin} over real connections from 127.0.0.1: forwarded headers are believed only
 * from a trusted peer, and the origin is worked out once per request.
 */
class ClientOriginTest {
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    EdgePolicy trusting = EdgePolicy.from(new ConfigValues(Map.of("TRUSTED_PROXIES", "127.0.0.0/8")));
    EdgePolicy distrusting = EdgePolicy.from(new ConfigValues(Map.of("TRUSTED_PROXIES", "[\"10.0.0.0/8\",\"::1\"]")));
    router.get("/trusted").handler(Intake.admin(() -> trusting)).handler(rc -> echo(rc));
    router.get("/untrusted").handler(Intake.admin(() -> distrusting)).handler(rc -> echo(rc));
    router.get("/bare").handler(rc -> echo(rc));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  private static void echo(io.vertx.ext.web.RoutingContext rc) {
    ClientOrigin origin = ClientOrigin.of(rc);
    rc.json(new JsonObject().put("address", origin.address()).put("scheme", origin.scheme())
        .put("host", origin.host()).put("baseUrl", origin.baseUrl())
        .put("memoized", ClientOrigin.of(rc) == origin));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private JsonObject get(String path, String headers) throws Exception {
    try (RawHttp c = RawHttp.open(server.actualPort())) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: gw.local:8000\r\n" + headers + "\r\n");
      return new JsonObject(c.read().body());
    }
  }

  private static final String FORWARDED = "X-Forwarded-For: 1.1.1.1, 203.0.113.7\r\n"
      + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: api.example.com\r\n";

  @Test
  void untrustedPeersForwardedHeadersAreIgnored() throws Exception {
    JsonObject o = get("/untrusted", FORWARDED);
    assertThat(o.getString("address")).isEqualTo("127.0.0.1");
    assertThat(o.getString("scheme")).isEqualTo("http");
    assertThat(o.getString("host")).isEqualTo("gw.local:8000");
    assertThat(o.getString("baseUrl")).isEqualTo("http://gw.local:8000");
  }

  @Test
  void trustedPeersForwardedHeadersAreBelieved() throws Exception {
    JsonObject o = get("/trusted", FORWARDED);
    assertThat(o.getString("address")).as("the spoofed left-most entry is skipped").isEqualTo("203.0.113.7");
    assertThat(o.getString("scheme")).isEqualTo("https");
    assertThat(o.getString("host")).isEqualTo("api.example.com");
    assertThat(o.getString("baseUrl")).isEqualTo("https://api.example.com");
    assertThat(o.getBoolean("memoized")).isTrue();
  }

  @Test
  void forwardedSchemeAndHostThatCannotBeUsedInAUrlAreIgnored() throws Exception {
    JsonObject o = get("/trusted", "X-Forwarded-Proto: javascript\r\nX-Forwarded-Host: evil.example/path?x\r\n");
    assertThat(o.getString("scheme")).isEqualTo("http");
    assertThat(o.getString("host")).isEqualTo("gw.local:8000");
    assertThat(o.getString("address")).isEqualTo("127.0.0.1");
  }

  @Test
  void theNearestProxysValueWins() throws Exception {
    JsonObject o = get("/trusted", "X-Forwarded-Proto: https, http\r\nX-Forwarded-Host: spoof.example, api.example.com\r\n");
    assertThat(o.getString("scheme")).isEqualTo("http");
    assertThat(o.getString("host")).isEqualTo("api.example.com");
  }

  /** A route without the intake still has an origin: the TCP peer, no proxy believed. */
  @Test
  void withoutTheIntakeThePeerIsTheClient() throws Exception {
    JsonObject o = get("/bare", FORWARDED);
    assertThat(o.getString("address")).isEqualTo("127.0.0.1");
    assertThat(o.getString("scheme")).isEqualTo("http");
  }
}
