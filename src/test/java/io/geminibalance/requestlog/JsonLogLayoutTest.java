package io.geminibalance.requestlog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.logging.RequestIdLocal;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** LOG_FORMAT=json: one valid JSON object per line, redacted as the text format is, with the request id. */
class JsonLogLayoutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Shaped as a Google key, so the redactor masks it without registration. */
  private static final String KEY = "AIzaSyJsonLayoutTest0123456789abcdefghi";
  private static final String TOKEN = "sk-registered-json-layout-token";

  @Test
  void aLineIsOneJsonObjectWithEveryFieldAndNoSecret() throws Exception {
    SecretRedactor.process().register(TOKEN);
    JsonLogLayout layout = layout();
    LoggingEvent event = event("upstream said \"no\" to " + KEY + " and " + TOKEN + "\nsecond line",
        new IllegalStateException("boom with " + KEY));

    String line = layout.doLayout(event);

    assertThat(line).endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
    assertThat(line).doesNotContain(KEY).doesNotContain(TOKEN);
    JsonNode json = JSON.readTree(line);
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("logger").asText()).isEqualTo("io.geminibalance.Test");
    assertThat(json.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(json.get("time").asText()).endsWith("Z");
    assertThat(json.get("message").asText()).startsWith("upstream said \"no\" to AIza").contains("\nsecond line")
        .contains(KEY.substring(KEY.length() - 4));
    assertThat(json.get("exception").asText()).contains("IllegalStateException").contains("boom with");
    assertThat(json.has("request_id")).isFalse();
  }

  @Test
  void aLineWrittenOnARequestsContextCarriesItsId() throws Exception {
    JsonLogLayout layout = layout();
    Vertx vertx = Vertx.vertx();
    try {
      ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
      CompletableFuture<String> line = new CompletableFuture<>();
      request.runOnContext(v -> {
        RequestIdLocal.set(request, "json-req-1");
        line.complete(layout.doLayout(event("on the request", null)));
      });
      JsonNode json = JSON.readTree(line.get(10, TimeUnit.SECONDS));
      assertThat(json.get("request_id").asText()).isEqualTo("json-req-1");
      assertThat(json.has("exception")).isFalse();

      // The event loop's own context (no request) has no id: a line there has none.
      CompletableFuture<String> other = new CompletableFuture<>();
      vertx.getOrCreateContext().runOnContext(v -> other.complete(layout.doLayout(event("off any request", null))));
      assertThat(JSON.readTree(other.get(10, TimeUnit.SECONDS)).has("request_id")).isFalse();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static JsonLogLayout layout() {
    JsonLogLayout layout = new JsonLogLayout();
    layout.setContext(new LoggerContext());
    layout.start();
    return layout;
  }

  private static LoggingEvent event(String message, Throwable thrown) {
    LoggerContext context = new LoggerContext();
    Logger logger = context.getLogger("io.geminibalance.Test");
    return new LoggingEvent(Logger.class.getName(), logger, Level.WARN, message, thrown, null);
  }
}
