package io.geminibalance.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import java.util.List;
import java.util.Map;

/** Helpers shared by the OpenAI Java SDK tests: the client, upstream body parsing, raw JSON. */
final class OpenAiSdkSupport {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String MODEL = "gemini-2.5-flash";

  private OpenAiSdkSupport() {}

  static OpenAIClient client(GatewayHarness h) {
    return client(h, GatewayHarness.CLIENT_TOKEN);
  }

  static OpenAIClient client(GatewayHarness h, String token) {
    return OpenAIOkHttpClient.builder().apiKey(token).baseUrl(h.url("/v1")).maxRetries(0).build();
  }

  /** The JSON body of a recorded upstream request. */
  static JsonNode body(Recorded r) {
    try {
      return JSON.readTree(r.bodyText());
    } catch (Exception e) {
      throw new IllegalStateException("upstream body is not JSON: " + r.bodyText(), e);
    }
  }

  /** The only upstream request whose path ends with {@code suffix}, as JSON. */
  static JsonNode onlyUpstream(GatewayHarness h, String suffix) {
    List<Recorded> requests = h.fake.requests(suffix);
    if (requests.size() != 1) {
      throw new AssertionError("expected one upstream " + suffix + " request, got " + requests.size()
          + ": " + h.fake.requests().stream().map(Recorded::path).toList());
    }
    return body(requests.get(0));
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A non-standard field the SDK kept as an additional property, as a JSON tree (null when absent). */
  static JsonNode extra(Map<String, JsonValue> additional, String name) {
    JsonValue value = additional.get(name);
    return value == null ? null : JSON.valueToTree(value.convert(Object.class));
  }

  static String bearer() {
    return "Bearer " + GatewayHarness.CLIENT_TOKEN;
  }
}
