package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}, Prometheus' text format: {@link #authenticate}, then the body reader like
 * every route, then {@link #scrape}. Authenticated before anything else: a Bearer
 * token that is the admin token in force or METRICS_TOKEN (both compared in constant time), unless
 * METRICS_PUBLIC opens it; failures count toward the admin throttle like the admin API's, since
 * the admin token opens it. Only then does it say whether metrics are on (404 when not), so an
 * unauthenticated caller learns nothing. The scrape runs on a worker: refreshing the key gauges
 * walks every key of the pools.
 */
public final class MetricsEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
  /** Prometheus' text exposition format, as Micrometer's registry writes it. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * Who may read the metrics now (live settings).
   *
   * @param open METRICS_PUBLIC
   * @param token METRICS_TOKEN, or null when unset
   */
  public record Access(boolean open, String token) {}

  private final GatewayMetrics metrics;
  private final ClientAuthenticator authenticator;
  private final AdminThrottle throttle;
  private final Supplier<Access> access;

  MetricsEndpoint(GatewayMetrics metrics, ClientAuthenticator authenticator, AdminThrottle throttle,
      Supplier<Access> access) {
    this.metrics = metrics;
    this.authenticator = authenticator;
    this.throttle = throttle;
    this.access = access;
  }

  /** Lets the caller on (next handler) or answers it: 401, or 429 while its address is throttled. */
  void authenticate(RoutingContext rc) {
    AdminAuth.apiHeaders(rc);
    Access now = access.get();
    if (now.open()) {
      rc.next();
      return;
    }
    AdminAuth.unlessThrottled(rc, throttle, standing -> authenticate(rc, now, standing));
  }

  /** Lets a caller with an accepted token on; otherwise answers 401 (after counting the failure). */
  private void authenticate(RoutingContext rc, Access now, AdminThrottle.Standing standing) {
    String address = AdminThrottle.clientAddress(rc);
    String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token = ClientAuthenticator.bearer(header);
    if (token != null && (sameSecret(token, now.token()) || authenticator.admin(token) != null)) {
      throttle.succeeded(address, standing);
      rc.next();
      return;
    }
    Future<Void> counted = header != null ? throttle.failed(address) : Future.succeededFuture();
    counted.onComplete(ar -> {
      rc.response().putHeader("www-authenticate", "Bearer");
      AdminAuth.error(rc, 401, "Metrics: send METRICS_TOKEN or the admin token as 'Authorization: Bearer <token>'.",
          "UNAUTHENTICATED", null);
    });
  }

  /** The exposition, or 404 when metrics are off. */
  void scrape(RoutingContext rc) {
    if (!metrics.enabled()) {
      AdminAuth.error(rc, 404, "Metrics are off (METRICS_ENABLED=false).", "NOT_FOUND", null);
      return;
    }
    rc.vertx().executeBlocking(metrics::scrape, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Metrics could not be scraped: {}", ar.cause().toString());
        AdminAuth.error(rc, 500, "Metrics could not be gathered; see the gateway's log.", "INTERNAL", null);
        return;
      }
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(ar.result());
    });
  }

  /** Compares digests, so neither the length nor a common prefix of the token shows in the time taken. */
  static boolean sameSecret(String offered, String expected) {
    if (expected == null || expected.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(sha256(offered), sha256(expected));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
