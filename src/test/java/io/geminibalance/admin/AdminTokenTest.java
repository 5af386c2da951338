package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.AdminCredential;
import io.geminibalance.storage.Storage;
import io.geminibalance.storage.StorageConfig;
import io.geminibalance.testing.GatewayHarness;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The generated admin token: made once, kept hashed across setting changes and restarts, announced
 * once, rotated through the API or by the operator; and the first ALLOWED_TOKENS entry is no
 * longer the admin when AUTH_TOKEN is unset.
 */
class AdminTokenTest {
  /** No AUTH_TOKEN and no ALLOWED_TOKENS (the harness sets both otherwise). */
  static final Map<String, String> NO_TOKENS = Map.of("AUTH_TOKEN", "", "ALLOWED_TOKENS", "[]");

  static HttpResponse<String> getConfig(GatewayHarness h, String token) {
    return h.get("/api/config", "authorization", "Bearer " + token);
  }

  static HttpResponse<String> put(GatewayHarness h, String token, String body) {
    return h.send(h.request("/api/config", "authorization", "Bearer " + token, "content-type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  static HttpResponse<String> delete(GatewayHarness h, String token, String name) {
    return h.send(h.request("/api/config/" + name, "authorization", "Bearer " + token).DELETE().build());
  }

  static HttpResponse<String> rotate(GatewayHarness h, String token) {
    return h.send(h.request("/api/admin-token/rotate", "authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  static int dataPlane(GatewayHarness h, String token) {
    return h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", token).statusCode();
  }

  @Test
  void theGeneratedTokenSurvivesAPutADeleteAndARestartAndIsAnnouncedOnce() {
    String db = GatewayHarness.tempDatabase();
    try (CapturedOutput out = new CapturedOutput()) {
      String token;
      try (GatewayHarness h = GatewayHarness.start(NO_TOKENS, db)) {
        token = out.announcedToken();
        assertThat(getConfig(h, token).statusCode()).isEqualTo(200);
        assertThat(put(h, token, "{\"MAX_RETRIES\":1}").statusCode()).isEqualTo(200);
        assertThat(getConfig(h, token).statusCode()).as("after a PUT").isEqualTo(200);
        assertThat(dataPlane(h, token)).as("data plane after a PUT").isEqualTo(200);
        assertThat(delete(h, token, "MAX_RETRIES").statusCode()).isEqualTo(200);
        assertThat(getConfig(h, token).statusCode()).as("after a DELETE").isEqualTo(200);
        assertThat(dataPlane(h, token)).as("data plane after a DELETE").isEqualTo(200);
      }
      try (GatewayHarness h = GatewayHarness.start(NO_TOKENS, db)) {
        assertThat(getConfig(h, token).statusCode()).as("after a restart").isEqualTo(200);
        assertThat(dataPlane(h, token)).as("data plane after a restart").isEqualTo(200);
      }
      assertThat(out.announcements()).as("announced once across two starts").hasSize(1);
      // The announcement is the only place the token appears: no log line carries it.
      assertThat(out.stdout().split(Pattern.quote(token), -1)).hasSize(2);
      assertThat(out.logLines()).noneMatch(line -> line.contains(token));
      assertThat(out.logLines()).anyMatch(line -> line.startsWith("WARN AUTH_TOKEN is unset: generated an admin token"));
    }
  }

  @Test
  void onlyTheTokensHashIsStored() throws Exception {
    String db = GatewayHarness.tempDatabase();
    String token;
    try (CapturedOutput out = new CapturedOutput(); GatewayHarness h = GatewayHarness.start(NO_TOKENS, db)) {
      token = out.announcedToken();
      assertThat(put(h, token, "{\"TEST_MODEL\":\"m2\"}").statusCode()).isEqualTo(200);
    }
    List<String> cells = everyCell(db);
    assertThat(cells).as("no row holds the token").noneMatch(cell -> cell.contains(token));
    assertThat(cells).contains(AdminCredential.hash(token));
    assertThat(AdminCredential.hash(token)).startsWith("sha256:").hasSize(7 + 64);
  }

  @Test
  void rotationThroughTheApiAnswersTheNewTokenOnceAndTheOldOneStopsWorking() {
    String db = GatewayHarness.tempDatabase();
    String rotated;
    try (CapturedOutput out = new CapturedOutput()) {
      String first;
      try (GatewayHarness h = GatewayHarness.start(NO_TOKENS, db)) {
        first = out.announcedToken();
        HttpResponse<String> r = rotate(h, first);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        JsonObject body = new JsonObject(r.body());
        rotated = body.getString("adminToken");
        assertThat(rotated).startsWith("sk-gb-").isNotEqualTo(first);
        assertThat(body.getBoolean("inForce")).isTrue();

        assertThat(getConfig(h, first).statusCode()).isEqualTo(401);
        assertThat(dataPlane(h, first)).isEqualTo(401);
        assertThat(getConfig(h, rotated).statusCode()).isEqualTo(200);
        assertThat(dataPlane(h, rotated)).isEqualTo(200);
      }
      try (GatewayHarness h = GatewayHarness.start(NO_TOKENS, db)) {
        assertThat(getConfig(h, rotated).statusCode()).as("after a restart").isEqualTo(200);
        assertThat(getConfig(h, first).statusCode()).isEqualTo(401);
      }
      assertThat(out.announcements()).as("an API rotation answers the token, it does not print it").hasSize(1);
      assertThat(out.logLines()).noneMatch(line -> line.contains(rotated));
    }
  }

  @Test
  void rotationByTheOperatorCommandPrintsTheNewTokenAndAppliesAtTheNextStart() throws Exception {
    String db = GatewayHarness.tempDatabase();
    String first;
    try (CapturedOutput out = new CapturedOutput(); GatewayHarness h = GatewayHarness.start(NO_TOKENS, db)) {
      first = out.announcedToken();
    }

    Path workDir = Files.createTempDirectory("gb-rotate-");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder command = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.geminibalance.app.Main", "--rotate-admin-token")
        .directory(workDir.toFile()).redirectErrorStream(false);
    command.environment().keySet().removeIf(name -> name.equals("AUTH_TOKEN") || name.equals("ALLOWED_TOKENS"));
    command.environment().put("DATABASE_TYPE", "sqlite");
    command.environment().put("SQLITE_DATABASE", db);
    Process process = command.start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(stderr).isZero();
    List<String> lines = stdout.lines().filter(line -> line.startsWith(AdminTokens.ANNOUNCEMENT)).toList();
    assertThat(lines).hasSize(1);
    String rotated = lines.get(0).substring(AdminTokens.ANNOUNCEMENT.length());
    assertThat(rotated).startsWith("sk-gb-").isNotEqualTo(first);
    assertThat(stdout.split(Pattern.quote(rotated), -1)).as("printed once").hasSize(2);
    assertThat(stderr).contains("keeps its admin token until it restarts");

    try (CapturedOutput out = new CapturedOutput(); GatewayHarness h = GatewayHarness.start(NO_TOKENS, db)) {
      assertThat(getConfig(h, rotated).statusCode()).isEqualTo(200);
      assertThat(getConfig(h, first).statusCode()).isEqualTo(401);
      assertThat(out.announcements()).as("nothing new generated at this start").isEmpty();
      JsonObject audit = new JsonObject(h.get("/api/audit", "authorization", "Bearer " + rotated).body());
      JsonObject newest = audit.getJsonArray("entries").getJsonObject(0);
      assertThat(newest.getString("action")).isEqualTo("admin_token.rotate");
      assertThat(newest.getString("clientAddress")).isEqualTo("command-line");
      JsonObject change = newest.getJsonArray("changes").getJsonObject(0);
      assertThat(change.getString("setting")).isEqualTo(AuditLog.GENERATED_ADMIN_TOKEN);
      assertThat(change.getString("old")).as("the command replaced a stored token").isEqualTo("previous generated token");
      assertThat(change.getString("new")).startsWith("new token, fingerprint ");
    }
  }

  /** The command masks what it prints: a secret pasted into another setting is not echoed. */
  @Test
  void theOperatorCommandsErrorsAreMasked() throws Exception {
    String token = "sk-pasted-admin-token-0042";
    Path workDir = Files.createTempDirectory("gb-rotate-");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder command = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.geminibalance.app.Main", "--rotate-admin-token")
        .directory(workDir.toFile()).redirectErrorStream(true);
    command.environment().put("AUTH_TOKEN", token);
    command.environment().put("DATABASE_TYPE", token);
    Process process = command.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isEqualTo(2);
    assertThat(output).contains("Configuration error: DATABASE_TYPE: ").contains("...0042").doesNotContain(token);
  }

  @Test
  void theOperatorCommandRemovesALostSavedAuthToken() throws Exception {
    String db = GatewayHarness.tempDatabase();
    Map<String, String> noEnvAuthToken = new HashMap<>(NO_TOKENS);
    try (CapturedOutput out = new CapturedOutput(); GatewayHarness h = GatewayHarness.start(noEnvAuthToken, db)) {
      String generated = out.announcedToken();
      assertThat(put(h, generated, "{\"AUTH_TOKEN\":\"saved-admin-token-lost-0001\"}").statusCode()).isEqualTo(200);
      assertThat(getConfig(h, "saved-admin-token-lost-0001").statusCode()).isEqualTo(200);
      assertThat(getConfig(h, generated).statusCode()).as("AUTH_TOKEN wins").isEqualTo(401);
    }

    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int exit;
    try (Storage storage = Storage.open(StorageConfig.sqlite(Path.of(db)))) {
      exit = AdminTokenCommand.run(storage.settings(), storage.adminToken(), storage.auditLog(),
          storage.tokenFingerprints(), Map.of(),
          new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }
    assertThat(exit).isZero();
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("Removed the AUTH_TOKEN saved through the admin API");
    String rotated = stdout.toString(StandardCharsets.UTF_8).strip().substring(AdminTokens.ANNOUNCEMENT.length());

    try (GatewayHarness h = GatewayHarness.start(noEnvAuthToken, db)) {
      assertThat(getConfig(h, rotated).statusCode()).isEqualTo(200);
      assertThat(getConfig(h, "saved-admin-token-lost-0001").statusCode()).isEqualTo(401);
      JsonObject rotation = new JsonObject(h.get("/api/audit", "authorization", "Bearer " + rotated).body())
          .getJsonArray("entries").getJsonObject(0);
      assertThat(rotation.getString("action")).isEqualTo("admin_token.rotate");
      assertThat(rotation.getJsonArray("changes").getJsonObject(0).getString("old"))
          .as("the generated token made at the first start was replaced, not '(unset)'")
          .isEqualTo("previous generated token");
    }
  }

  @Test
  void withoutAuthTokenTheFirstAllowedTokenIsNotTheAdminButStillAClient() {
    try (CapturedOutput out = new CapturedOutput();
        GatewayHarness h = GatewayHarness.start(Map.of("AUTH_TOKEN", ""))) {
      assertThat(getConfig(h, CLIENT_TOKEN).statusCode()).isEqualTo(401);
      assertThat(put(h, CLIENT_TOKEN, "{\"BASE_URL\":\"http://127.0.0.1:9/v1beta\"}").statusCode()).isEqualTo(401);
      assertThat(dataPlane(h, CLIENT_TOKEN)).isEqualTo(200);
      assertThat(getConfig(h, out.announcedToken()).statusCode()).isEqualTo(200);
      assertThat(out.logLines()).anyMatch(line -> line.startsWith("WARN AUTH_TOKEN is unset: unlike gemini-balance,"
          + " the first ALLOWED_TOKENS entry (...0001) is not the admin token")
          && line.contains("set AUTH_TOKEN to that entry"));
    }
  }

  @Test
  void authTokenWinsAndCannotBeRemovedUntilAGeneratedTokenExists() {
    try (CapturedOutput out = new CapturedOutput(); GatewayHarness h = GatewayHarness.start()) {
      assertThat(out.announcements()).as("nothing generated while AUTH_TOKEN is set").isEmpty();

      HttpResponse<String> refused = put(h, ADMIN_TOKEN, "{\"AUTH_TOKEN\":\"\"}");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("\"param\":\"AUTH_TOKEN\"").contains("POST /api/admin-token/rotate");
      assertThat(getConfig(h, ADMIN_TOKEN).statusCode()).isEqualTo(200);

      JsonObject rotated = new JsonObject(rotate(h, ADMIN_TOKEN).body());
      assertThat(rotated.getBoolean("inForce")).isFalse();
      String generated = rotated.getString("adminToken");
      assertThat(getConfig(h, generated).statusCode()).as("AUTH_TOKEN wins").isEqualTo(401);

      assertThat(put(h, ADMIN_TOKEN, "{\"AUTH_TOKEN\":\"\"}").statusCode()).isEqualTo(200);
      assertThat(getConfig(h, generated).statusCode()).isEqualTo(200);
      assertThat(getConfig(h, ADMIN_TOKEN).statusCode()).isEqualTo(401);
    }
  }

  /** Every value of every row of every table of a SQLite file, as text. */
  private static List<String> everyCell(String sqliteFile) throws Exception {
    List<String> cells = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile);
        Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      assertThat(tables).contains("gb_admin_token", "gb_audit_log", "t_settings");
      for (String table : tables) {
        try (ResultSet rows = statement.executeQuery("SELECT * FROM \"" + table + "\"")) {
          int columns = rows.getMetaData().getColumnCount();
          while (rows.next()) {
            for (int i = 1; i <= columns; i++) {
              String value = rows.getString(i);
              if (value != null) {
                cells.add(value);
              }
            }
          }
        }
      }
    }
    return cells;
  }
}
