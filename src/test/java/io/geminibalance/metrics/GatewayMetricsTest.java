package io.geminibalance.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.PrometheusText;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The meters' bookkeeping without a gateway: labels, 429 attribution, and what OFF records. */
class GatewayMetricsTest {

  @Test
  void modelLabelsAreWhatTheApplicationAllowsAndBoundedBesides() {
    try (GatewayMetrics metrics = GatewayMetrics.on()) {
      metrics.modelLabels(name -> name.startsWith("known-") ? name : GatewayMetrics.OTHER);
      request(metrics, "known-a", 200);
      request(metrics, "invented-1", 200);
      request(metrics, "invented-2", 404);
      request(metrics, null, 200);
      for (int i = 0; i < GatewayMetrics.MAX_MODEL_LABELS + 50; i++) {
        request(metrics, "known-" + i, 200);
      }
      PrometheusText text = PrometheusText.parse(metrics.scrape());
      assertThat(text.value("gb_requests_total", Map.of("surface", "openai", "model", "other", "status", "200")))
          .isGreaterThanOrEqualTo(1.0);
      assertThat(text.value("gb_requests_total", Map.of("surface", "openai", "model", "other", "status", "404")))
          .isEqualTo(1.0);
      assertThat(text.value("gb_requests_total", Map.of("surface", "openai", "model", "none", "status", "200")))
          .isEqualTo(1.0);
      assertThat(text.value("gb_requests_total", Map.of("surface", "openai", "model", "known-a", "status", "200")))
          .isEqualTo(1.0);
      assertThat(text.samples("gb_request_duration_seconds_count")).hasSizeLessThanOrEqualTo(
          GatewayMetrics.MAX_MODEL_LABELS + 1);
      assertThat(text.samples("gb_requests_total").stream().mapToDouble(PrometheusText.Sample::value).sum())
          .isEqualTo(4 + GatewayMetrics.MAX_MODEL_LABELS + 50);
    }
  }

  /** Token counts add up by model label and kind (names outside the pools as "other"); unknown counts add nothing. */
  @Test
  void tokensAddUpByModelAndKind() {
    try (GatewayMetrics metrics = GatewayMetrics.on()) {
      metrics.modelLabels(name -> name.startsWith("known-") ? name : GatewayMetrics.OTHER);
      metrics.start(Surface.GEMINI).tokens("known-a", 100, 40, 20, 7);
      metrics.start(Surface.OPENAI).tokens("known-a", 1, null, 2, null);
      metrics.start(Surface.OPENAI).tokens("invented-9", 5, 0, 6, 0);
      PrometheusText text = PrometheusText.parse(metrics.scrape());
      assertThat(text.value("gb_tokens_total", Map.of("model", "known-a", "kind", "prompt"))).isEqualTo(101.0);
      assertThat(text.value("gb_tokens_total", Map.of("model", "known-a", "kind", "cached"))).isEqualTo(40.0);
      assertThat(text.value("gb_tokens_total", Map.of("model", "known-a", "kind", "output"))).isEqualTo(22.0);
      assertThat(text.value("gb_tokens_total", Map.of("model", "known-a", "kind", "thinking"))).isEqualTo(7.0);
      assertThat(text.value("gb_tokens_total", Map.of("model", "other", "kind", "output"))).isEqualTo(6.0);
      assertThat(metrics.scrape()).doesNotContain("invented-9");
    }
  }

  @Test
  void a429IsTheGatewaysUnlessGoogleRefusedTheLastAttempt() {
    try (GatewayMetrics metrics = GatewayMetrics.on()) {
      metrics.modelLabels(name -> name);
      RequestMeter google = metrics.start(Surface.GEMINI);
      google.model("m");
      google.attemptStarted();
      google.attemptEnded("m", AttemptOutcome.RATE_LIMITED, 1);
      google.ended(429);
      RequestMeter pool = metrics.start(Surface.GEMINI);
      pool.model("m");
      pool.refusedByGateway();
      pool.ended(429);
      // Google refused, then the pool had no other key: still the gateway's answer.
      RequestMeter both = metrics.start(Surface.GEMINI);
      both.attemptStarted();
      both.attemptEnded("m", AttemptOutcome.RATE_LIMITED, 1);
      both.refusedByGateway();
      both.ended(429);
      // A 429 the gateway made for another reason (its authentication throttle).
      metrics.start(Surface.OPENAI).ended(429);
      PrometheusText text = PrometheusText.parse(metrics.scrape());
      assertThat(text.value("gb_rate_limited_responses_total", Map.of("source", "google"))).isEqualTo(1.0);
      assertThat(text.value("gb_rate_limited_responses_total", Map.of("source", "gateway"))).isEqualTo(3.0);
      assertThat(text.value("gb_upstream_attempts_total", Map.of("model", "m", "outcome", "rate_limited")))
          .isEqualTo(2.0);
    }
  }

  @Test
  void overheadIsLeftOutWhileAnAttemptRunsAndARequestEndsOnce() {
    try (GatewayMetrics metrics = GatewayMetrics.on()) {
      metrics.modelLabels(name -> name);
      RequestMeter fake = metrics.start(Surface.GEMINI);
      fake.bodyRead();
      fake.attemptStarted();
      fake.headersWritten(); // a fake stream's headers go out before the upstream answers
      fake.attemptEnded("m", AttemptOutcome.SUCCESS, 1);
      fake.ended(200);
      fake.ended(200);
      RequestMeter plain = metrics.start(Surface.GEMINI);
      plain.bodyRead();
      plain.attemptStarted();
      plain.attemptEnded("m", AttemptOutcome.SUCCESS, 1);
      plain.headersWritten();
      plain.ended(200);
      PrometheusText text = PrometheusText.parse(metrics.scrape());
      assertThat(text.value("gb_gateway_overhead_seconds_count", Map.of("surface", "gemini"))).isEqualTo(1.0);
      assertThat(text.value("gb_request_first_byte_seconds_count", Map.of("surface", "gemini", "model", "none")))
          .isEqualTo(2.0);
      assertThat(text.value("gb_requests_total", Map.of("surface", "gemini", "model", "none", "status", "200")))
          .isEqualTo(2.0);
    }
  }

  @Test
  void offRecordsNothingAndHandsOutTheSharedNoOpMeter() {
    assertThat(GatewayMetrics.OFF.enabled()).isFalse();
    assertThat(GatewayMetrics.OFF.registry()).isNull();
    RequestMeter meter = GatewayMetrics.OFF.start(Surface.GEMINI);
    assertThat(meter).isSameAs(RequestMeter.NONE);
    assertThat(meter.on()).isFalse();
    assertThat(meter.waitStarted()).isZero();
    meter.model("m");
    meter.attemptStarted();
    meter.attemptEnded("m", AttemptOutcome.SUCCESS, 1);
    meter.headersWritten();
    meter.ended(200);
    GatewayMetrics.OFF.gauge("gb.x", "x", () -> 1);
    GatewayMetrics.OFF.close();
  }

  private static void request(GatewayMetrics metrics, String model, int status) {
    RequestMeter meter = metrics.start(Surface.OPENAI);
    meter.model(model);
    meter.ended(status);
  }
}
