package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.LocalTokenLimiter;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.storage.ErrorLogRow;
import io.geminibalance.storage.RequestLogRow;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ManagedTokens;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requests already running when their managed token stops being valid: a stream revoked
 * (POST /api/tokens/{id}/revoke), disabled (PATCH enabled=false) or expired mid-way ends with an
 * error event in its caller's shape and its response ends; a request still waiting for Google gets
 * 401 in its shape; a rotation cuts nothing. The cut stream's request-log row stands, an error-log
 * row says why, and the token's concurrency slot is free again. Over real sockets, through the
 * admin API.
 */
class TokenCutTest {
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A streamed request on each client protocol, and how its stream shows a cut. */
  enum Stream {
    NATIVE("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "x-goog-api-key",
        "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "\"text\":\"a\""),
    OPENAI("/v1/chat/completions", "authorization", "{\"model\":\"gemini-2.5-flash\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "\"content\":\"a\""),
    ANTHROPIC("/v1/messages", "x-api-key", "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":20,\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "\"text\":\"a\"");

    final String path;
    final String header;
    final String body;
    /** Found in the line that carries the first upstream event's text. */
    final String firstText;

    Stream(String path, String header, String body, String firstText) {
      this.path = path;
      this.header = header;
      this.body = body;
      this.firstText = firstText;
    }

    String credential(String value) {
      return header.equals("authorization") ? "Bearer " + value : value;
    }

    /** The same request, not streamed. */
    String unaryPath() {
      return this == NATIVE ? "/v1beta/models/gemini-2.5-flash:generateContent" : path;
    }

    String unaryBody() {
      return body.replace("\"stream\":true,", "");
    }

    /** Asserts that {@code rest}, a stream's lines after the cut, end with this surface's error event. */
    void assertCutEvent(List<String> rest, String message) throws IOException {
      List<String> data = rest.stream().filter(l -> l.startsWith("data:")).toList();
      assertThat(data).as("lines after the cut: %s", rest).isNotEmpty();
      String last = data.get(data.size() - 1).substring("data:".length()).strip();
      JsonNode event = JSON.readTree(last);
      switch (this) {
        case NATIVE -> {
          assertThat(event.path("error").path("code").asInt()).isEqualTo(401);
          assertThat(event.path("error").path("status").asText()).isEqualTo("UNAUTHENTICATED");
        }
        case OPENAI -> {
          assertThat(event.path("error").path("type").asText()).isEqualTo("invalid_request_error");
          assertThat(event.path("error").path("code").asText()).isEqualTo("invalid_api_key");
          assertThat(rest).noneMatch(l -> l.contains("[DONE]"));
        }
        case ANTHROPIC -> {
          assertThat(event.path("type").asText()).isEqualTo("error");
          assertThat(event.path("error").path("type").asText()).isEqualTo("authentication_error");
          List<String> events = rest.stream().filter(l -> l.startsWith("event:")).toList();
          assertThat(events.get(events.size() - 1)).isEqualTo("event: error");
          assertThat(rest).noneMatch(l -> l.contains("message_stop"));
        }
      }
      assertThat(event.path("error").path("message").asText()).contains(message);
    }
  }

  /** A streamed response being read line by line; every read is bounded. */
  private record Open(BufferedReader reader) implements AutoCloseable {
    /** Reads until a line matches, within 20 s; returns the lines read. */
    List<String> until(Predicate<String> line) throws Exception {
      return CompletableFuture.supplyAsync(() -> {
        List<String> lines = new ArrayList<>();
        try {
          for (String l = reader.readLine(); l != null; l = reader.readLine()) {
            lines.add(l);
            if (line.test(l)) {
              return lines;
            }
          }
          throw new AssertionError("the stream ended without the line looked for: " + lines);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).get(20, TimeUnit.SECONDS);
    }

    /** Everything until the response ends, within 20 s. */
    List<String> rest() throws Exception {
      return CompletableFuture.supplyAsync(() -> {
        List<String> lines = new ArrayList<>();
        try {
          for (String l = reader.readLine(); l != null; l = reader.readLine()) {
            lines.add(l);
          }
          return lines;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  private static HttpResponse<String> admin(String method, String path, String body) {
    return h.send(h.request(path, "authorization", "Bearer " + ADMIN_TOKEN, "content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  /** A token made through the admin API, at most one request at once (so its slot shows). */
  private static JsonObject create(String name, Instant expiresAt) {
    JsonObject body = new JsonObject().put("name", name).put("limits", new JsonObject().put("max_concurrent", 1));
    if (expiresAt != null) {
      body.put("expires_at", expiresAt.toString());
    }
    HttpResponse<String> created = admin("POST", "/api/tokens", body.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body());
  }

  /** Google streams "a" at once, then nothing for a minute: only a cut ends the stream sooner. */
  private static void slowStream(long delayMillis) {
    h.fake.on(r -> r.path().endsWith(":streamGenerateContent"),
        Replies.sse(List.of(Replies.chunk("a"), Replies.chunk("b"), Replies.finalChunk("c")), delayMillis));
  }

  /** Opens {@code stream} with {@code value}, as request {@code requestId}, and reads up to its first text. */
  private static Open open(Stream stream, String value, String requestId) throws Exception {
    return open(stream.path, stream.header, stream.credential(value), stream.body, requestId, stream.firstText);
  }

  private static Open open(String path, String header, String credential, String body, String requestId,
      String firstText) throws Exception {
    HttpResponse<InputStream> response = h.http.send(h.request(path, header, credential, "content-type",
        "application/json", "x-request-id", requestId).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    Open open = new Open(new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)));
    open.until(l -> l.contains(firstText));
    return open;
  }

  private static String requestId(String what) {
    return "cut-" + what + "-" + System.nanoTime();
  }

  @ParameterizedTest
  @EnumSource(Stream.class)
  void aStreamEndsWithAnErrorEventWhenItsTokenIsRevoked(Stream stream) throws Exception {
    String requestId = requestId("revoked");
    cutMidStream(stream, "revoked", requestId, id -> admin("POST", "/api/tokens/" + id + "/revoke", null),
        "has been revoked");
    assertLogged(requestId, "has been revoked");
  }

  @ParameterizedTest
  @EnumSource(Stream.class)
  void aStreamEndsWithAnErrorEventWhenItsTokenIsDisabled(Stream stream) throws Exception {
    cutMidStream(stream, "disabled", requestId("disabled"), id -> admin("PATCH", "/api/tokens/" + id,
        new JsonObject().put("enabled", false).encode()), "is disabled");
  }

  /** A stream under way when {@code change} is made to its token ends with the cut event, its slot freed. */
  private static void cutMidStream(Stream stream, String what, String requestId,
      Function<String, HttpResponse<String>> change, String why) throws Exception {
    String name = "cut-" + what + "-" + stream.name().toLowerCase();
    JsonObject token = create(name, null);
    slowStream(60_000);
    try (Open open = open(stream, token.getString("value"), requestId)) {
      assertThat(inProgress(token)).isEqualTo(1);
      HttpResponse<String> changed = change.apply(token.getString("id"));
      assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
      stream.assertCutEvent(open.rest(), "token '" + name + "' " + why);
    }
    freed(token);
  }

  /** The Responses API's stream ends as it does when broken, {@code response.failed}, with the cut's code. */
  @Test
  void aResponsesStreamEndsWithResponseFailedWhenItsTokenIsRevoked() throws Exception {
    JsonObject token = create("cut-responses", null);
    slowStream(60_000);
    try (Open open = open("/v1/responses", "authorization", "Bearer " + token.getString("value"),
        "{\"model\":\"gemini-2.5-flash\",\"input\":\"hi\",\"stream\":true}", requestId("responses"),
        "\"delta\":\"a\"")) {
      HttpResponse<String> revoked = admin("POST", "/api/tokens/" + token.getString("id") + "/revoke", null);
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      List<String> rest = open.rest();
      List<String> data = rest.stream().filter(l -> l.startsWith("data:")).toList();
      assertThat(data).as("lines after the cut: %s", rest).isNotEmpty();
      JsonNode last = JSON.readTree(data.get(data.size() - 1).substring("data:".length()).strip());
      assertThat(last.path("type").asText()).isEqualTo("response.failed");
      assertThat(last.path("response").path("error").path("code").asText()).isEqualTo("invalid_api_key");
      assertThat(last.path("response").path("error").path("message").asText())
          .isEqualTo("token 'cut-responses' has been revoked");
    }
    freed(token);
  }

  @ParameterizedTest
  @EnumSource(Stream.class)
  void aStreamEndsWithAnErrorEventOnceItsTokenExpires(Stream stream) throws Exception {
    String name = "cut-expired-" + stream.name().toLowerCase();
    Instant expires = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    JsonObject token = create(name, expires);
    slowStream(60_000);
    try (Open open = open(stream, token.getString("value"), requestId("expired"))) {
      // Nobody changes the token: the gateway's own once-a-second check ends the stream.
      stream.assertCutEvent(open.rest(), "token '" + name + "' expired at " + expires);
    }
    assertThat(Instant.now()).isAfterOrEqualTo(expires);
    freed(token);
  }

  @ParameterizedTest
  @EnumSource(Stream.class)
  void aRotationCutsNothing(Stream stream) throws Exception {
    JsonObject token = create("cut-rotated-" + stream.name().toLowerCase(), null);
    slowStream(1_000);
    try (Open open = open(stream, token.getString("value"), requestId("rotated"))) {
      HttpResponse<String> rotated = admin("POST", "/api/tokens/" + token.getString("id") + "/rotate", null);
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
      List<String> rest = open.rest();
      assertThat(rest).as("the stream goes on to its end").anyMatch(l -> l.contains("\"c\"") || l.contains(":\"c\""));
      assertThat(rest).noneMatch(l -> l.contains("error"));
    }
    freed(token);
  }

  @ParameterizedTest
  @EnumSource(Stream.class)
  void aRequestWaitingForGoogleGets401InItsShapeWhenItsTokenIsRevoked(Stream stream) throws Exception {
    String name = "cut-waiting-" + stream.name().toLowerCase();
    JsonObject token = create(name, null);
    h.fake.on(r -> true, Replies.hang());
    CompletableFuture<HttpResponse<String>> answer = h.http.sendAsync(h.request(stream.unaryPath(), stream.header,
        stream.credential(token.getString("value")), "content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(stream.unaryBody())).build(), HttpResponse.BodyHandlers.ofString());
    for (int i = 0; i < 200 && h.fake.requests().isEmpty(); i++) {
      Thread.sleep(50);
    }
    assertThat(h.fake.requests()).isNotEmpty();
    HttpResponse<String> revoked = admin("POST", "/api/tokens/" + token.getString("id") + "/revoke", null);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    HttpResponse<String> refused = answer.get(20, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    ManagedTokenLimitsTest.Surface surface = ManagedTokenLimitsTest.Surface.valueOf(stream.name());
    assertThat(surface.message(refused)).contains("token '" + name + "' has been revoked");
    freed(token);
  }

  /**
   * A plain body (the OpenAI-compatible surface, not streamed) whose token is revoked mid-answer,
   * over h2c: its stream is reset with CANCEL, as the gate's own resets are, not NO_ERROR, which
   * would tell the client the answer had ended normally.
   */
  @Test
  void aPlainBodyCutMidAnswerOverHttp2IsResetWithCancel() throws Exception {
    JsonObject token = create("cut-plain-h2", null);
    h.fake.on(r -> r.path().equals("/v1beta/openai/chat/completions"),
        Replies.rawPieces("application/json", List.of("{\"id\":\"a\",", "\"object\":\"chat.completion\"}"), 60_000));
    io.vertx.core.http.HttpClient client = h.vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      CompletableFuture<Void> started = new CompletableFuture<>();
      CompletableFuture<Throwable> reset = new CompletableFuture<>();
      io.vertx.core.http.HttpClientResponse answer = client.request(new io.vertx.core.http.RequestOptions()
              .setMethod(io.vertx.core.http.HttpMethod.POST).setAbsoluteURI(h.url("/openai/v1/chat/completions"))
              .putHeader("authorization", "Bearer " + token.getString("value"))
              .putHeader("content-type", "application/json"))
          .compose(request -> request.send(Stream.OPENAI.unaryBody()))
          .andThen(ar -> {
            if (ar.succeeded()) {
              ar.result().exceptionHandler(reset::complete).handler(b -> started.complete(null));
            }
          }).await(10, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      started.get(20, TimeUnit.SECONDS);
      HttpResponse<String> revoked = admin("POST", "/api/tokens/" + token.getString("id") + "/revoke", null);
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      assertThat(reset.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(io.vertx.core.http.StreamResetException.class,
          e -> assertThat(e.getCode()).as("RST_STREAM code").isEqualTo(8));
    } finally {
      client.close();
    }
    freed(token);
  }

  @Test
  void theOpenAiCompatibleModelListShowsARestrictedTokenOnlyItsModels() throws Exception {
    h.fake.on(r -> r.path().equals("/v1beta/openai/models"), Replies.json(200, "{\"object\":\"list\",\"data\":["
        + "{\"id\":\"models/gemini-2.5-flash\",\"object\":\"model\",\"owned_by\":\"google\"},"
        + "{\"id\":\"models/gemini-2.5-pro\",\"object\":\"model\",\"owned_by\":\"google\"},"
        + "{\"id\":\"models/gemini-2.0-flash\",\"object\":\"model\",\"owned_by\":\"google\"}]}"));
    String restricted = "sk-gb-CompatModelListRestricted0001";
    ManagedTokens.use(h, "t-compat-models", "compat-models", restricted, List.of("gemini-2.5-*"),
        Set.<ClientProtocol>of(), TokenLimits.NONE);
    try {
      assertThat(compatModels(restricted)).containsExactly("models/gemini-2.5-flash", "models/gemini-2.5-pro");
      String open = "sk-gb-CompatModelListOpenToAll00001";
      ManagedTokens.use(h, "t-compat-all", "compat-all", open, List.of(), Set.<ClientProtocol>of(), TokenLimits.NONE);
      assertThat(compatModels(open)).containsExactly("models/gemini-2.5-flash", "models/gemini-2.5-pro",
          "models/gemini-2.0-flash");
      assertThat(compatModels(GatewayHarness.CLIENT_TOKEN)).hasSize(3);
    } finally {
      h.gateway.clientTokens().replace(List.of());
    }
  }

  private static List<String> compatModels(String value) {
    HttpResponse<String> list = h.get("/openai/v1/models", "authorization", "Bearer " + value);
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    JsonArray data = new JsonObject(list.body()).getJsonArray("data");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      ids.add(data.getJsonObject(i).getString("id"));
    }
    return ids;
  }

  private static long inProgress(JsonObject token) {
    return ((LocalTokenLimiter) h.gateway.tokenLimiter()).inProgress(token.getString("id"));
  }

  /** The token's concurrency slot and its place among the running requests are given back. */
  private static void freed(JsonObject token) throws InterruptedException {
    String id = token.getString("id");
    for (int i = 0; i < 200 && (inProgress(token) > 0 || h.gateway.runningRequests().running(id) > 0); i++) {
      Thread.sleep(50);
    }
    assertThat(inProgress(token)).isZero();
    assertThat(h.gateway.runningRequests().running(id)).isZero();
  }

  /** The cut request's request-log row stands, and an error-log row (401) says why it was cut. */
  private static void assertLogged(String requestId, String why) throws InterruptedException {
    var storage = h.gateway.persistence().storage();
    List<RequestLogRow> rows = List.of();
    List<ErrorLogRow> errors = List.of();
    for (int i = 0; i < 200 && (rows.isEmpty() || errors.isEmpty()); i++) {
      Thread.sleep(50);
      rows = storage.requestLogs().recent(Instant.now().minusSeconds(120), Instant.now().plusSeconds(60), null, 500)
          .join().stream().filter(row -> requestId.equals(row.requestId())).toList();
      errors = storage.errorLogs().findByRequestId(requestId).join();
    }
    assertThat(rows).hasSize(1);
    assertThat(errors).anySatisfy(e -> {
      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(e.message()).contains(why);
    });
  }
}
