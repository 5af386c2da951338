package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.testing.JsonArbitraries;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Whatever an upstream error body holds, {@link GoogleError#parse} never throws and gives values
 * the key pool can use as they are: no null lists or texts, no negative retry delay.
 */
class GoogleErrorPropertyTest {

  @Provide
  Arbitrary<byte[]> errorBodies() {
    var violation = JsonArbitraries.fields();
    violation.put("quotaId", JsonArbitraries.optional(JsonArbitraries.nearly(JsonArbitraries.text(
        "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "GenerateRequestsPerMinutePerProjectPerModel", ""))));
    violation.put("quotaMetric", JsonArbitraries.optional(JsonArbitraries.any()));
    violation.put("quotaValue", JsonArbitraries.optional(JsonArbitraries.nearly(JsonArbitraries.text("0", "250"))));
    var detail = JsonArbitraries.fields();
    detail.put("@type", JsonArbitraries.required(JsonArbitraries.nearly(JsonArbitraries.text(
        "type.googleapis.com/google.rpc.RetryInfo", "type.googleapis.com/google.rpc.ErrorInfo",
        "type.googleapis.com/google.rpc.QuotaFailure", "type.googleapis.com/google.rpc.Help"))));
    detail.put("retryDelay", JsonArbitraries.optional(JsonArbitraries.nearly(JsonArbitraries.text("17s", "0.5s",
        "1e400s", "-3s", "s", "NaNs", "Infinitys", "-Infinitys", "0x10p0s", "1fs", "99999999999999999999s"))));
    detail.put("reason", JsonArbitraries.optional(JsonArbitraries.nearly(JsonArbitraries.text("API_KEY_INVALID"))));
    detail.put("violations", JsonArbitraries.optional(JsonArbitraries.nearly(
        JsonArbitraries.arrayOf(JsonArbitraries.nearly(JsonArbitraries.object(violation)), 3))));
    var error = JsonArbitraries.fields();
    error.put("code", JsonArbitraries.optional(JsonArbitraries.numbers()));
    error.put("message", JsonArbitraries.optional(JsonArbitraries.nearly(
        JsonArbitraries.strings().map(JsonArbitraries.GATEWAY_MAPPER.getNodeFactory()::textNode))));
    error.put("status", JsonArbitraries.optional(JsonArbitraries.nearly(JsonArbitraries.text("RESOURCE_EXHAUSTED"))));
    error.put("details", JsonArbitraries.optional(JsonArbitraries.nearly(
        JsonArbitraries.arrayOf(JsonArbitraries.nearly(JsonArbitraries.object(detail)), 4))));
    Arbitrary<JsonNode> body = JsonArbitraries.nearly(JsonArbitraries.object(
        Map.of("error", JsonArbitraries.required(JsonArbitraries.nearly(JsonArbitraries.object(error))))));
    return Arbitraries.frequencyOf(
        Tuple.of(8, body.map(b -> JsonArbitraries.text(b).getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, JsonArbitraries.deep().map(d -> JsonArbitraries.text(d).getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)));
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void parsingNeverThrowsAndGivesUsableValues(@ForAll("errorBodies") byte[] body) {
    GoogleError error = GoogleError.parse(body);
    assertThat(error.status()).isNotNull();
    assertThat(error.message()).isNotNull();
    assertThat(error.reasons()).doesNotContainNull();
    assertThat(error.quotaViolations()).doesNotContainNull();
    if (error.retryDelay() != null) {
      assertThat(error.retryDelay().isNegative()).as("retry delay %s", error.retryDelay()).isFalse();
    }
    error.zeroLimit();
    error.quotaViolations().forEach(v -> {
      v.perDay();
      v.perMinute();
    });
  }
}
