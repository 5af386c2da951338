package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.RawHttp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every answer on the Anthropic paths is in Anthropic's error shape, also for a method or a
 * sub-path the gateway does not serve ({@code GET /v1/messages}, Anthropic's
 * {@code /v1/messages/batches}): those used to fall through to the OpenAI surface on {@code /v1}
 * and come back as an OpenAI error, which Anthropic's SDKs do not read.
 */
class AnthropicSurfaceRoutingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      GET    | /v1/messages                          | 405 | invalid_request_error
      DELETE | /v1/messages/count_tokens             | 405 | invalid_request_error
      PUT    | /anthropic/v1/messages                | 405 | invalid_request_error
      GET    | /anthropic/v1/messages/count_tokens   | 405 | invalid_request_error
      POST   | /v1/messages/batches                  | 404 | not_found_error
      GET    | /v1/messages/batches/msgbatch_01      | 404 | not_found_error
      GET    | /anthropic/v1/models                  | 404 | not_found_error
      """)
  void aMethodOrPathNotServedIsAnsweredInAnthropicsShape(String method, String path, int status, String type)
      throws Exception {
    int upstreamBefore = h.fake.requests().size();
    HttpResponse<String> r = h.send(h.request(path, "x-api-key", CLIENT_TOKEN, "content-type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(r.statusCode()).isEqualTo(status);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("type").asText()).as(r.body()).isEqualTo("error");
    assertThat(body.at("/error/type").asText()).isEqualTo(type);
    assertThat(body.at("/error/message").asText()).contains(method);
    if (status == 405) {
      assertThat(r.headers().firstValue("allow")).hasValue("POST");
    }
    assertThat(h.fake.requests()).as("nothing went upstream").hasSize(upstreamBefore);
  }

  /** Authenticated first, as every route: without a credential the answer is Anthropic's 401. */
  @Test
  void aMethodNotServedStillNeedsACredential() throws Exception {
    HttpResponse<String> r = h.send(h.request("/v1/messages").GET().build());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(r.body()).at("/error/type").asText()).isEqualTo("authentication_error");
  }

  /** A head the codec refuses (headers over 8192 bytes) on an Anthropic path: Anthropic's shape too. */
  @Test
  void headersTooLargeOnAnAnthropicPathAreAnsweredInAnthropicsShape() throws Exception {
    for (String path : new String[] {"/v1/messages", "/anthropic/v1/messages"}) {
      try (RawHttp c = RawHttp.open(h.gateway.port())) {
        c.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
        RawHttp.Answer answer = c.read();
        assertThat(answer.status()).isEqualTo(431);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("type").asText()).as(answer.body()).isEqualTo("error");
        assertThat(body.at("/error/message").asText()).contains("larger than 8192 bytes");
        assertThat(c.closedWithin(10_000)).isTrue();
      }
    }
  }

  /** The POST endpoints themselves are unchanged, with or without a trailing slash. */
  @Test
  void thePostEndpointsStillServe() throws Exception {
    for (String path : new String[] {"/v1/messages/count_tokens", "/anthropic/v1/messages/count_tokens/"}) {
      HttpResponse<String> r = h.post(path, "{\"model\":\"gemini-2.5-flash\",\"messages\":"
          + "[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", CLIENT_TOKEN, "content-type", "application/json");
      assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).has("input_tokens")).isTrue();
    }
  }
}
