package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.geminibalance.storage.jdbc.DataSources;
import io.geminibalance.storage.support.SqliteTestDatabase;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SQLite, byte for byte: after a plaintext run (keys added, replaced and removed, so old values sit
 * in freed pages and the WAL), starting with ENCRYPTION_KEY leaves no key or token anywhere in the
 * database file, its WAL or its shared-memory index, while running and after.
 */
class SqliteFileHoldsNoPlaintextTest {
  static final String KEY_ONE = "AIzaSyFileKeyOne_00000000000000000000001";
  static final String KEY_TWO = "AIzaSyFileKeyTwo_00000000000000000000002";
  static final String KEY_THREE = "AIzaSyFileKeyThree_000000000000000000003";
  static final String KEY_FOUR = "AIzaSyFileKeyFour_0000000000000000000004";
  static final String CLIENT = "sk-file-client-token-0005";
  static final String SAVED_TOKEN = "sk-file-saved-token-0006";
  static final String ADMIN = "sk-file-admin-token-0007";
  static final String HEADER_SECRET = "file-header-secret-0008";
  /** Enough keys to fill pages that are freed whole when the keys are removed again. */
  static final List<String> BULK = java.util.stream.IntStream.range(0, 300)
      .mapToObj(i -> String.format("AIzaSyFileBulkKey_%021d", i)).toList();
  static final List<String> SECRETS = java.util.stream.Stream.concat(Stream.of(KEY_ONE, KEY_TWO, KEY_THREE,
      KEY_FOUR, CLIENT, SAVED_TOKEN, ADMIN, HEADER_SECRET), BULK.stream()).toList();

  @Test
  void noPlaintextKeyOrTokenSurvivesInTheDatabaseFiles() throws Exception {
    String db = GatewayHarness.tempDatabase();
    Map<String, String> env = Map.of("API_KEYS", "[\"" + KEY_ONE + "\",\"" + KEY_TWO + "\"]",
        "ALLOWED_TOKENS", "[\"" + CLIENT + "\"]", "AUTH_TOKEN", ADMIN);
    try (GatewayHarness plain = GatewayHarness.start(env, db)) {
      for (int i = 0; i < 4; i++) {
        assertThat(generate(plain)).isEqualTo(200);
      }
      put(plain, "{\"API_KEYS\":[\"" + KEY_THREE + "\"],\"ALLOWED_TOKENS\":[\"" + CLIENT + "\",\"" + SAVED_TOKEN
          + "\"],\"CUSTOM_HEADERS\":{\"x-secret\":\"" + HEADER_SECRET + "\"}}");
      assertThat(generate(plain)).isEqualTo(200);
      put(plain, "{\"API_KEYS\":[\"" + String.join("\",\"", BULK) + "\"]}");
      put(plain, "{\"API_KEYS\":[\"" + KEY_FOUR + "\"]}");
    }
    assertThat(hits(db)).as("the plaintext run left keys in the file, removed ones too (the check can see them)")
        .contains(KEY_FOUR, BULK.get(0), BULK.get(299));

    Map<String, String> encrypted = new java.util.HashMap<>(env);
    encrypted.put("ENCRYPTION_KEY", EncryptionKey.generate());
    try (GatewayHarness gateway = GatewayHarness.start(encrypted, db)) {
      assertThat(hits(db)).as("after the start-up migration, while running").isEmpty();
      gateway.fake.reset();
      assertThat(generate(gateway)).isEqualTo(200);
      assertThat(gateway.fake.requests()).extracting(Recorded::key).containsExactly(KEY_FOUR);
    }
    assertThat(hits(db)).as("after shutdown").isEmpty();
  }

  @Test
  void thePoolZeroesDeletedContentOnlyWhenValuesAreEncrypted() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase()) {
      assertThat(secureDelete(database, true)).isEqualTo(1);
      assertThat(secureDelete(database, false)).as("without a key, as before").isZero();
    }
  }

  private static int secureDelete(SqliteTestDatabase database, boolean on) throws Exception {
    try (HikariDataSource pool = DataSources.pool(database.config(), on); Connection connection = pool.getConnection();
        Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("PRAGMA secure_delete")) {
      row.next();
      return row.getInt(1);
    }
  }

  private static int generate(GatewayHarness gateway) {
    return gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT).statusCode();
  }

  private static void put(GatewayHarness gateway, String body) {
    assertThat(gateway.send(gateway.request("/api/config", "authorization", "Bearer " + ADMIN,
        "content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode())
        .isEqualTo(200);
  }

  /** The secrets found in the raw bytes of the database file, its WAL and its shared-memory file. */
  private static List<String> hits(String db) throws IOException {
    List<String> found = new ArrayList<>();
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Path file = Path.of(db + suffix);
      if (Files.exists(file)) {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        SECRETS.stream().filter(bytes::contains).forEach(found::add);
      }
    }
    return found;
  }
}
