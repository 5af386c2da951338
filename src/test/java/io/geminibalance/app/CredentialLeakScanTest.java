package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.geminibalance.storage.support.DatabaseScan;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LogCapture;
import io.geminibalance.testing.MainProcess;
import io.geminibalance.testing.Replies;
import io.geminibalance.testing.Reply;
import io.vertx.core.json.JsonArray;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs the gateway through successes, client and upstream errors (4xx, 5xx, 429, an invalid key,
 * a wrong client token, a stream cut mid-way), configuration errors at start-up and on PUT, and
 * keys and tokens added at run time and then used; then searches everything the gateway wrote for
 * any whole pool key or client or admin token: all log output (Logback's, stdout and stderr, in
 * this JVM and in launcher processes), every row of every table of its database, and every answer
 * it gave. The upstream is hostile on purpose: its error messages quote the key they were sent,
 * and clients put their token in the prompt (stored with ERROR_LOG_RECORD_REQUEST_BODY).
 */
class CredentialLeakScanTest {
  /**
   * (table, column) pairs allowed to hold keys and tokens in clear. Empty: the gateway runs with
   * ENCRYPTION_KEY, so the key store and saved secret settings hold them encrypted. Without it they
   * would necessarily be in clear in gb_api_keys.api_key and t_settings.value.
   */
  private static final Set<String> STORED_IN_CLEAR = Set.of();
  private static final String ENCRYPTION_KEY = "c2Nhbi10ZXN0LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=";

  // Realistic shapes (AIza + 35, sk- + 32) exercise the pattern masks; odd ones (short, no
  // prefix) are masked only because the configuration registered them.
  private static final String KEY_1 = "AIzaSyB7mQ2xL9vT4nR8kW1pZ6cJ3hF0dG5sYaE";
  private static final String KEY_2 = "AIzaSyC3nW8qK1yH6tV0mX5bL9rD2jF7gP4zUeQ";
  private static final String KEY_3 = "AIzaSyD9pR4vM7cQ2wT5kY8nB1xH6jL0fZ3sGaW";
  private static final String ODD_KEY = "pk7Qz2mW9xR4";
  private static final String TOKEN = "sk-Jq4Lw8Rt2Yx6Nz0Pv3Kc7Hm1Bd5Fg9Ss";
  private static final String ODD_TOKEN = "c1tok-88xq";
  private static final String ADMIN = "adm-7Gq2Lw9Zr4";
  // Added at run time through PUT /api/config.
  private static final String RUNTIME_KEY = "AIzaSyE2kT7wQ4mZ9xN1vR6cL3bH8pJ0dF5yGaS";
  private static final String RUNTIME_ODD_KEY = "rk4Vn8Ty2Pz";
  private static final String RUNTIME_TOKEN = "sk-Wd3Qa7Zx1Cv5Bn9Mk2Lj6Hg0Fd4Sa8Pq";
  private static final String RUNTIME_ODD_TOKEN = "rtok-5Wd3Qa";
  private static final String NEW_ADMIN = "nadm-3Kx8Yv1Q";
  // Vertex Express keys (AQ. + 50), added at run time with the Vertex base URL.
  private static final String VERTEX_KEY = "AQ.Ab8RN6Lq2xW9vT4nR8kW1pZ6cJ3hF0dG5sYaE7mQ2xL9vT4nR8k";
  private static final String VERTEX_ODD_KEY = "vx9Kq3Lm7Tz";
  // Too short for the redactor (7 characters): refused as a token, and never echoed while refused.
  private static final String SHORT_TOKEN = "tok7abc";

  private static final List<String> SECRETS = List.of(KEY_1, KEY_2, KEY_3, ODD_KEY, TOKEN, ODD_TOKEN, ADMIN,
      RUNTIME_KEY, RUNTIME_ODD_KEY, RUNTIME_TOKEN, RUNTIME_ODD_TOKEN, NEW_ADMIN, SHORT_TOKEN, VERTEX_KEY,
      VERTEX_ODD_KEY);
  private static final String GENERATE = "/v1beta/models/%s:generateContent";
  private static final String STREAM = "/v1beta/models/%s:streamGenerateContent?alt=sse";

  private final List<HttpResponse<String>> answers = new ArrayList<>();

  @Test
  void noKeyOrTokenIsWrittenWholeAnywhere() throws Exception {
    String db = GatewayHarness.tempDatabase();
    String generatedDb = GatewayHarness.tempDatabase();
    String generated;
    Map<String, String> env = Map.of(
        "API_KEYS", json(KEY_1, KEY_2, KEY_3, ODD_KEY),
        "ALLOWED_TOKENS", TOKEN + "," + ODD_TOKEN,
        "AUTH_TOKEN", ADMIN,
        "ERROR_LOG_RECORD_REQUEST_BODY", "true",
        "ENCRYPTION_KEY", ENCRYPTION_KEY);
    String log;
    List<String> upstreamKeys = new ArrayList<>();
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level level = root.getLevel();
    try (LogCapture capture = new LogCapture()) {
      try (GatewayHarness h = GatewayHarness.start(env, db)) {
        hostileUpstream(h);
        admin(h, ADMIN, "{\"LOG_LEVEL\":\"DEBUG\"}", 200);
        traffic(h, TOKEN, ODD_TOKEN);
        uploads(h, ODD_TOKEN);
        configErrors(h);
        admin(h, ADMIN, "{\"API_KEYS\":" + json(KEY_1, KEY_2, KEY_3, ODD_KEY, RUNTIME_KEY, RUNTIME_ODD_KEY)
            + ",\"ALLOWED_TOKENS\":" + json(TOKEN, ODD_TOKEN, RUNTIME_TOKEN, RUNTIME_ODD_TOKEN) + "}", 200);
        traffic(h, RUNTIME_TOKEN, RUNTIME_ODD_TOKEN);
        admin(h, ADMIN, "{\"VERTEX_API_KEYS\":" + json(VERTEX_KEY, VERTEX_ODD_KEY)
            + ",\"VERTEX_EXPRESS_BASE_URL\":\"" + h.fake.baseUrl() + "\"}", 200);
        vertexTraffic(h, RUNTIME_TOKEN, RUNTIME_ODD_TOKEN);
        admin(h, ADMIN, "{\"AUTH_TOKEN\":\"" + NEW_ADMIN + "\"}", 200);
        admin(h, ADMIN, "{\"MAX_RETRIES\":2}", 401);
        admin(h, NEW_ADMIN, "{\"API_KEYS\":" + json(KEY_1, KEY_2, ODD_KEY, RUNTIME_KEY, RUNTIME_ODD_KEY) + "}", 200);
        send(h, h.request("/api/pool", "authorization", "Bearer " + NEW_ADMIN).GET());
        h.fake.requests().forEach(r -> upstreamKeys.add(r.key()));
      }
      // A restart on the same database: start-up with stored keys, saved settings and key state.
      try (GatewayHarness h = GatewayHarness.start(env, db)) {
        answers.add(h.post(GENERATE.formatted("gemini-2.5-flash"), "{}", "x-goog-api-key", RUNTIME_ODD_TOKEN));
      }
      // Without AUTH_TOKEN: the generated admin token, announced once on its own line, then used.
      Map<String, String> noAdmin = new HashMap<>(env);
      noAdmin.put("AUTH_TOKEN", "");
      try (GatewayHarness h = GatewayHarness.start(noAdmin, generatedDb)) {
        generated = capture.announcedToken();
        admin(h, generated, "{\"MAX_RETRIES\":\"" + generated + "\"}", 400);
        admin(h, generated, "{\"MAX_RETRIES\":2}", 200);
        answers.add(h.post(GENERATE.formatted("m-e500"), "{}", "x-goog-api-key", generated));
      }
      log = capture.text();
    } finally {
      root.setLevel(level);
    }

    // The scenarios ran as intended: runtime keys were used, DEBUG lines were written, the odd keys
    // were disabled as invalid.
    assertThat(upstreamKeys).contains(KEY_1, ODD_KEY, RUNTIME_KEY, RUNTIME_ODD_KEY, VERTEX_KEY, VERTEX_ODD_KEY);
    assertThat(log).contains("Gemini Balance listening on").contains(" DEBUG ")
        .contains("Key ..." + last4(ODD_KEY) + " disabled").contains("Key ..." + last4(RUNTIME_ODD_KEY) + " disabled");
    assertThat(answers).hasSizeGreaterThan(40);

    Map<String, String> startUp = startUpErrors();
    Map<String, String> rows = databaseText(db);

    // The one place a secret may be printed: the announcement of the generated admin token.
    String announcement = "Generated admin token: " + generated;
    assertThat(log.lines().filter(line -> line.contains(generated))).containsExactly(announcement);
    log = log.replace(announcement, "");
    Map<String, Map<String, String>> databases = Map.of("database", rows,
        "database without AUTH_TOKEN", databaseText(generatedDb));
    List<String> secrets = new ArrayList<>(SECRETS);
    secrets.add(generated);

    List<String> leaks = new ArrayList<>();
    for (String secret : secrets) {
      if (log.contains(secret)) {
        leaks.add("log of this JVM: " + secret + " in: " + around(log, secret));
      }
      startUp.forEach((run, output) -> {
        if (output.contains(secret)) {
          leaks.add("launcher output (" + run + "): " + secret + " in: " + around(output, secret));
        }
      });
      databases.forEach((database, columns) -> columns.forEach((column, text) -> {
        if (!STORED_IN_CLEAR.contains(column) && text.contains(secret)) {
          leaks.add(database + " " + column + ": " + secret + " in: " + around(text, secret));
        }
      }));
      for (HttpResponse<String> answer : answers) {
        String text = answer.headers().map() + "\n" + answer.body();
        if (text.contains(secret)) {
          leaks.add("answer to " + answer.request().uri().getPath() + ": " + secret + " in: " + around(text, secret));
        }
      }
    }
    assertThat(leaks).isEmpty();

    // The scan reads what it claims to: the key store and saved secrets are there, encrypted, and
    // the stored rows hold the masked forms.
    assertThat(rows.get("gb_api_keys.api_key")).contains("gbenc:");
    assertThat(rows.get("t_settings.value")).contains("gbenc:");
    assertThat(rows.get("t_error_logs.error_log")).contains("key ..." + last4(KEY_1)).contains("key ..." + last4(ODD_KEY));
    assertThat(rows.get("t_error_logs.request_msg")).contains("..." + last4(ODD_TOKEN));
    assertThat(rows.get("gb_key_state.disabled_reason")).contains("API_KEY_INVALID");
  }

  /** Error answers that quote the key they were sent, as a misbehaving upstream or proxy might. */
  private static void hostileUpstream(GatewayHarness h) {
    h.fake.on(r -> r.path().contains("m-e400"), echo(400, "INVALID_ARGUMENT", "Request for key %s is malformed"));
    h.fake.on(r -> r.path().contains("m-e500"), echo(500, "INTERNAL", "Backend failed serving key %s"));
    // Few enough 429s that the pool does not take them for an IP throttle and pause the model.
    h.fake.on(r -> r.path().contains("m-e429"), (r, res, raw) -> Replies.googleError(429, "RESOURCE_EXHAUSTED",
        "Quota exceeded for key " + r.key(),
        "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"2s\"}").send(r, res, raw), 4);
    h.fake.on(r -> r.path().contains("m-invalid") && r.key() != null && !r.key().startsWith("AIza"),
        (r, res, raw) -> Replies.googleError(400, "INVALID_ARGUMENT", "API key not valid: " + r.key(),
            "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\","
                + "\"domain\":\"googleapis.com\"}").send(r, res, raw));
    h.fake.on(r -> r.path().contains("m-cut"),
        Replies.sseCut(List.of(Replies.chunk("one"), Replies.chunk("two"), Replies.chunk("three")), 0, 1));
  }

  private static Reply echo(int status, String googleStatus, String message) {
    return (r, res, raw) -> Replies.googleError(status, googleStatus, message.formatted(r.key())).send(r, res, raw);
  }

  /** Every surface, every outcome, with the given client tokens. */
  private void traffic(GatewayHarness h, String token, String oddToken) {
    String prompt = "{\"contents\":[{\"parts\":[{\"text\":\"my token is " + oddToken + " and " + token + "\"}]}]}";
    String chat = "{\"model\":\"%s\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"token "
        + oddToken + "\"}]}";
    // Successes: every credential form, streams, both OpenAI surfaces.
    answers.add(h.post(GENERATE.formatted("gemini-2.5-flash") + "?key=" + token, prompt));
    answers.add(h.post(GENERATE.formatted("gemini-2.5-flash"), prompt, "x-goog-api-key", oddToken));
    answers.add(h.post(STREAM.formatted("gemini-2.5-flash"), prompt, "authorization", "Bearer " + token));
    answers.add(h.get("/v1beta/models?KEY=" + token + "&key=" + oddToken));
    answers.add(h.post("/v1/chat/completions", chat.formatted("gemini-2.5-flash", false), bearer(token)));
    answers.add(h.post("/v1/chat/completions", chat.formatted("gemini-2.5-flash", true), bearer(oddToken)));
    answers.add(h.post("/openai/v1/chat/completions", chat.formatted("gemini-2.5-flash", false), bearer(token)));
    // Upstream errors: 4xx (the client's), 5xx (retried on every key), 429, invalid keys.
    for (String model : List.of("m-e400", "m-e500", "m-e429")) {
      answers.add(h.post(GENERATE.formatted(model), prompt, "x-goog-api-key", oddToken));
      answers.add(h.post("/v1/chat/completions", chat.formatted(model, false), bearer(token)));
      answers.add(h.post("/openai/v1/chat/completions", chat.formatted(model, false), bearer(oddToken)));
    }
    for (int i = 0; i < 6; i++) {
      answers.add(h.post(GENERATE.formatted("m-invalid"), prompt, "x-goog-api-key", i % 2 == 0 ? token : oddToken));
    }
    // Streams cut mid-way.
    answers.add(h.post(STREAM.formatted("m-cut"), prompt, "x-goog-api-key", token));
    answers.add(h.post("/v1/chat/completions", chat.formatted("m-cut", true), bearer(oddToken)));
    // Wrong client credentials, and a client's mistake the gateway answers itself.
    answers.add(h.post(GENERATE.formatted("gemini-2.5-flash"), prompt, "x-goog-api-key", "wrong-" + token));
    answers.add(h.post("/v1/chat/completions", "{not json " + token, bearer(token)));
  }

  /**
   * A file uploaded and downloaded with the token in the URL of every step: the upload URL, the
   * stored session and file, the logs and the answers must not hold it, nor Google's key-bearing
   * control URL.
   */
  private void uploads(GatewayHarness h, String token) {
    io.geminibalance.testing.FakeUploads.on(h.fake);
    HttpResponse<String> started = send(h, h.request("/upload/v1beta/files?key=" + token, "x-goog-upload-protocol",
        "resumable", "x-goog-upload-command", "start", "x-goog-upload-header-content-length", "5", "content-type",
        "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"displayName\":\"scan\"}}")));
    String url = started.headers().firstValue("x-goog-upload-url").orElseThrow();
    HttpResponse<String> done = send(h, h.request(url.substring(url.indexOf("/upload/")) + "&key=" + token,
        "x-goog-upload-command", "upload, finalize", "x-goog-upload-offset", "0")
        .POST(HttpRequest.BodyPublishers.ofString("hello")));
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    String name = done.body().replaceAll("(?s).*\"name\":\"(files/[^\"]+)\".*", "$1");
    assertThat(send(h, h.request("/download/v1beta/" + name + ":download?alt=media&key=" + token).GET()).statusCode())
        .isEqualTo(200);
    assertThat(send(h, h.request("/v1beta/" + name + ":download?alt=media", "x-goog-api-key", token).GET())
        .statusCode()).isEqualTo(200);
  }

  /** The Vertex Express surface with the Vertex pool: success, upstream errors, then invalid keys. */
  private void vertexTraffic(GatewayHarness h, String token, String oddToken) {
    String prompt = "{\"contents\":[{\"parts\":[{\"text\":\"my token is " + oddToken + "\"}]}]}";
    String generate = "/vertex-express/v1beta/models/%s:generateContent";
    answers.add(h.post(generate.formatted("gemini-2.5-flash") + "?key=" + token, prompt));
    answers.add(h.post("/vertex-express/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse", prompt,
        "x-goog-api-key", oddToken));
    for (String model : List.of("m-e400", "m-e500", "m-e429", "m-invalid", "m-invalid", "m-invalid")) {
      answers.add(h.post(generate.formatted(model), prompt, "x-goog-api-key", token));
    }
  }

  /** Bad values on PUT: each is a 400, and none may echo a secret. */
  private void configErrors(GatewayHarness h) {
    admin(h, ADMIN, "{\"API_KEYS\":\"[\\\"" + KEY_1 + "\\\", \\\"" + RUNTIME_ODD_KEY + "\"}", 400);
    admin(h, ADMIN, "{\"ALLOWED_TOKENS\":[\"" + RUNTIME_TOKEN + "\",\"bad\\r\\n" + RUNTIME_ODD_TOKEN + "\"]}", 400);
    admin(h, ADMIN, "{\"AUTH_TOKEN\":\"" + NEW_ADMIN + "\\u0000\"}", 400);
    admin(h, ADMIN, "{\"CUSTOM_HEADERS\":{\"x-proxy-auth\":\"" + RUNTIME_ODD_TOKEN + "\\r\\n\"}}", 400);
    admin(h, ADMIN, "{\"MAX_RETRIES\":\"" + ODD_TOKEN + "\"}", 400);
    admin(h, ADMIN, "{\"TIME_OUT\":\"" + KEY_2 + "\"}", 400);
    admin(h, ADMIN, "{\"ALLOWED_TOKENS\":[\"" + RUNTIME_ODD_TOKEN + "\"],\"TEST_MODEL\":\"" + RUNTIME_ODD_TOKEN
        + "\",\"MAX_FAILURES\":\"" + RUNTIME_ODD_TOKEN + "\"}", 400);
    // A token too short to be masked: refused before the setting it was also pasted into can quote it.
    admin(h, ADMIN, "{\"ALLOWED_TOKENS\":[\"" + TOKEN + "\",\"" + SHORT_TOKEN + "\"],\"MAX_RETRIES\":\""
        + SHORT_TOKEN + "\"}", 400);
    assertThat(answers.getLast().body()).contains("ALLOWED_TOKENS: item 2 of 2 is shorter than 8 characters");
    admin(h, ADMIN, "{\"AUTH_TOKEN\":\"" + SHORT_TOKEN + "\"}", 400);
    assertThat(answers.getLast().body()).contains("AUTH_TOKEN: the value is shorter than 8 characters");
  }

  /** Start-up errors of the real launcher: stdout and stderr of each run. */
  private static Map<String, String> startUpErrors() {
    Map<String, Map<String, String>> runs = new LinkedHashMap<>();
    runs.put("malformed API_KEYS", Map.of("API_KEYS", "[\"" + KEY_1 + "\", \"" + ODD_KEY + "\""));
    runs.put("line break in a token", Map.of("ALLOWED_TOKENS", TOKEN + "," + ODD_TOKEN + "\r\nx"));
    runs.put("token pasted into MAX_RETRIES", Map.of("ALLOWED_TOKENS", TOKEN + "," + ODD_TOKEN,
        "MAX_RETRIES", ODD_TOKEN, "AUTH_TOKEN", ADMIN));
    runs.put("key pasted into BASE_URL", Map.of("API_KEYS", json(KEY_1, ODD_KEY),
        "BASE_URL", "ftp://x/?key=" + ODD_KEY + "&k2=" + KEY_2));
    runs.put("short token, also pasted into MAX_RETRIES", Map.of("ALLOWED_TOKENS", SHORT_TOKEN,
        "MAX_RETRIES", SHORT_TOKEN));
    Map<String, String> outputs = new LinkedHashMap<>();
    runs.forEach((name, env) -> {
      MainProcess.Outcome run = MainProcess.run(env, Duration.ofSeconds(60));
      assertThat(run.exitCode()).as(name + ": " + run.output()).isEqualTo(2);
      assertThat(run.stderr()).as(name).startsWith("Configuration error: ");
      outputs.put(name, run.output());
    });
    assertThat(outputs.get("short token, also pasted into MAX_RETRIES"))
        .contains("ALLOWED_TOKENS: the value is shorter than 8 characters");
    return outputs;
  }

  /** Per "table.column": the text of every row. */
  private static Map<String, String> databaseText(String file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      Map<String, String> columns = DatabaseScan.columns(c);
      assertThat(columns).containsKeys("gb_api_keys.api_key", "t_settings.value", "t_error_logs.error_log",
          "t_request_log.id", "gb_key_state.disabled_reason");
      return columns;
    }
  }

  private void admin(GatewayHarness h, String token, String body, int expected) {
    HttpResponse<String> r = send(h, h.request("/api/config", "authorization", "Bearer " + token,
        "content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(expected);
  }

  private HttpResponse<String> send(GatewayHarness h, HttpRequest.Builder request) {
    HttpResponse<String> r = h.send(request.build());
    answers.add(r);
    return r;
  }

  private static String[] bearer(String token) {
    return new String[] {"authorization", "Bearer " + token, "content-type", "application/json"};
  }

  private static String json(String... items) {
    return new JsonArray(List.of((Object[]) items)).encode();
  }

  private static String last4(String secret) {
    return secret.substring(secret.length() - 4);
  }

  private static String around(String text, String secret) {
    int at = text.indexOf(secret);
    return text.substring(Math.max(0, at - 120), Math.min(text.length(), at + secret.length() + 40)).replace('\n', ' ');
  }
}
