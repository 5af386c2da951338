package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.support.DatabaseScan;
import io.geminibalance.storage.support.TestDatabase;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ENCRYPTION_KEY on every engine: no table holds a key or token in clear, plaintext databases are
 * encrypted at start, a key that does not fit stops start-up without changing a row, keys can be
 * rotated or removed on purpose, client-token fingerprints are HMACs, and the gateway serves as
 * before. Each test gets a database of its own.
 */
abstract class AtRestEncryptionContractTest {
  static final String KEY_ONE = "AIzaSyAtRestKeyOne_000000000000000000001";
  static final String KEY_TWO = "AIzaSyAtRestKeyTwo_000000000000000000002";
  /** Short and guessable: a bare hash of it would be found by trying candidates. */
  static final String SHORT_KEY = "key-short-77";
  static final String CLIENT_TOKEN = "sk-atrest-client-token-0001";
  static final String ADMIN_TOKEN = "sk-atrest-admin-token-0002";
  static final String HEADER_SECRET = "hdr-secret-value-0003";
  static final String VERTEX_KEY = "AQ.atrest-vertex-key-00000000000000000000000000000004";
  static final Predicate<String> SECRET = name -> !name.equals("MAX_FAILURES");
  static final List<String> SECRETS = List.of(KEY_ONE, KEY_TWO, SHORT_KEY, CLIENT_TOKEN, ADMIN_TOKEN,
      HEADER_SECRET, VERTEX_KEY);

  private TestDatabase database;
  private StorageConfig config;
  private final String keyA = EncryptionKey.generate();
  private final String keyB = EncryptionKey.generate();

  abstract TestDatabase createDatabase() throws Exception;

  @BeforeEach
  void createDatabaseForTheTest() throws Exception {
    database = createDatabase();
    config = database.config();
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
  }

  static AtRestEncryption with(String key) {
    return with(key, null);
  }

  static AtRestEncryption with(String key, String previous) {
    Map<String, String> env = new LinkedHashMap<>();
    if (key != null) {
      env.put(AtRestEncryption.KEY_SETTING, key);
    }
    if (previous != null) {
      env.put(AtRestEncryption.PREVIOUS_KEY_SETTING, previous);
    }
    return AtRestEncryption.fromEnv(env, SECRET);
  }

  static Map<String, String> secretSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("API_KEYS", "[\"" + KEY_ONE + "\",\"" + KEY_TWO + "\",\"" + SHORT_KEY + "\"]");
    settings.put("ALLOWED_TOKENS", "[\"" + CLIENT_TOKEN + "\"]");
    settings.put("AUTH_TOKEN", ADMIN_TOKEN);
    settings.put("CUSTOM_HEADERS", "{\"x-secret\":\"" + HEADER_SECRET + "\"}");
    settings.put("VERTEX_API_KEYS", "[\"" + VERTEX_KEY + "\"]");
    settings.put("MAX_FAILURES", "5");
    return settings;
  }

  /** What an earlier run leaves: keys, secret settings. */
  private void fill(Storage storage) {
    storage.apiKeys().addAll(List.of(KEY_ONE, KEY_TWO, SHORT_KEY)).join();
    storage.settings().save(secretSettings()).join();
  }

  private void assertEverythingReadsBack(Storage storage) {
    assertThat(storage.apiKeys().list().join()).extracting(ApiKey::secret).containsExactly(KEY_ONE, KEY_TWO, SHORT_KEY);
    assertThat(storage.settings().loadAll().join()).containsExactlyInAnyOrderEntriesOf(secretSettings());
  }

  @Test
  void withAKeyNoTableHoldsAKeyOrTokenInClearAndEverythingReadsBack() throws Exception {
    try (Storage storage = Storage.open(config, with(keyA))) {
      fill(storage);
      assertEverythingReadsBack(storage);
    }

    assertThat(DatabaseScan.find(database, SECRETS)).isEmpty();
    assertThat(DatabaseScan.find(database, List.of(keyA))).as("the key itself").isEmpty();
    assertThat(column("SELECT api_key FROM gb_api_keys ORDER BY id")).allMatch(v -> v.startsWith("gbenc:v1:"));
    assertThat(column("SELECT value FROM gb_installation WHERE name = 'token_fingerprint_secret'"))
        .as("the client-token HMAC secret too").singleElement().matches(v -> v.startsWith("gbenc:v1:"));
    assertThat(column("SELECT last4 FROM gb_api_keys ORDER BY id")).containsExactly("0001", "0002", "t-77");
    assertThat(column("SELECT fingerprint FROM gb_api_keys ORDER BY id")).containsExactly(
        new ApiKey(KEY_ONE).fingerprint(), new ApiKey(KEY_TWO).fingerprint(), new ApiKey(SHORT_KEY).fingerprint());
    assertThat(column("SELECT value FROM t_settings WHERE " + quotedKey() + " = 'MAX_FAILURES'"))
        .as("settings that are not secret stay readable").containsExactly("5");
    try (Storage storage = Storage.open(config, with(keyA))) {
      assertEverythingReadsBack(storage);
    }
  }

  @Test
  void eachValueGetsItsOwnNonceAndIsBoundToItsPlace() throws Exception {
    try (Storage storage = Storage.open(config, with(keyA))) {
      storage.settings().save(Map.of("AUTH_TOKEN", ADMIN_TOKEN, "PAID_KEY", ADMIN_TOKEN)).join();
    }
    List<String> stored = column("SELECT value FROM t_settings ORDER BY " + quotedKey());
    assertThat(stored).hasSize(2).doesNotHaveDuplicates();

    // A ciphertext copied to another setting does not open there: reading fails rather than return it.
    database.execute("UPDATE t_settings SET value = '" + stored.get(0) + "' WHERE " + quotedKey() + " = 'PAID_KEY'");
    try (Storage storage = Storage.open(config, with(keyA))) {
      assertThatThrownBy(() -> storage.settings().loadAll().join())
          .hasMessageContaining("t_settings:PAID_KEY").hasMessageContaining("does not decrypt");
    }
  }

  @Test
  void aPlaintextDatabaseFromAnEarlierRunIsEncryptedAtStart() throws Exception {
    String fingerprintBefore;
    try (Storage storage = Storage.open(config)) {
      fill(storage);
      fingerprintBefore = storage.tokenFingerprints().of(CLIENT_TOKEN).fingerprint();
    }
    assertThat(DatabaseScan.find(database, SECRETS)).as("the scan sees plaintext when it is there").isNotEmpty();

    try (Storage storage = Storage.open(config, with(keyA))) {
      assertEverythingReadsBack(storage);
      assertThat(storage.tokenFingerprints().of(CLIENT_TOKEN).fingerprint()).isEqualTo(fingerprintBefore);
    }
    assertThat(DatabaseScan.find(database, SECRETS)).isEmpty();
  }

  @Test
  void aWrongKeyStopsStartUpAndChangesNothing() throws Exception {
    try (Storage storage = Storage.open(config, with(keyA))) {
      fill(storage);
    }
    Map<String, List<List<String>>> before = DatabaseScan.rows(database);

    assertThatThrownBy(() -> Storage.open(config, with(keyB)))
        .isInstanceOfSatisfying(EncryptionKeyException.class,
            e -> assertThat(e.setting()).isEqualTo("ENCRYPTION_KEY"))
        .hasMessageContaining("does not match")
        .hasMessageContaining("Nothing was changed")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(keyA).doesNotContain(keyB));
    assertThat(DatabaseScan.rows(database)).isEqualTo(before);

    try (Storage storage = Storage.open(config, with(keyA))) {
      assertEverythingReadsBack(storage);
    }
  }

  @Test
  void removingTheKeyFromAnEncryptedDatabaseStopsStartUp() throws Exception {
    try (Storage storage = Storage.open(config, with(keyA))) {
      fill(storage);
    }
    Map<String, List<List<String>>> before = DatabaseScan.rows(database);

    assertThatThrownBy(() -> Storage.open(config))
        .isInstanceOf(EncryptionKeyException.class)
        .hasMessageStartingWith("ENCRYPTION_KEY: not set, but this database's keys and secret settings are encrypted");
    assertThat(DatabaseScan.rows(database)).isEqualTo(before);
  }

  @Test
  void encryptedValuesWithoutTheirKeyCheckAreNeverTakenForKeys() throws Exception {
    try (Storage storage = Storage.open(config, with(keyA))) {
      fill(storage);
    }
    database.execute("DELETE FROM gb_installation WHERE name = 'encryption_key_check'");

    assertThatThrownBy(() -> Storage.open(config))
        .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("no record of the key");
    assertThatThrownBy(() -> Storage.open(config, with(keyB)))
        .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("no record of the key");
  }

  @Test
  void theKeyIsRotatedWithThePreviousOneAndTheOldKeyNoLongerOpens() throws Exception {
    String fingerprint;
    try (Storage storage = Storage.open(config, with(keyA))) {
      fill(storage);
      fingerprint = storage.tokenFingerprints().of(CLIENT_TOKEN).fingerprint();
    }
    String third = EncryptionKey.generate();
    assertThatThrownBy(() -> Storage.open(config, with(keyB, third)))
        .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("nor does ENCRYPTION_KEY_PREVIOUS");

    try (Storage storage = Storage.open(config, with(keyB, keyA))) {
      assertEverythingReadsBack(storage);
      assertThat(storage.tokenFingerprints().of(CLIENT_TOKEN).fingerprint()).isEqualTo(fingerprint);
    }
    assertThat(DatabaseScan.find(database, SECRETS)).isEmpty();
    assertThatThrownBy(() -> Storage.open(config, with(keyA))).isInstanceOf(EncryptionKeyException.class);
    try (Storage storage = Storage.open(config, with(keyB))) {
      assertEverythingReadsBack(storage);
    }
  }

  @Test
  void theValuesAreStoredInClearAgainWhenOnlyThePreviousKeyIsGiven() throws Exception {
    try (Storage storage = Storage.open(config, with(keyA))) {
      fill(storage);
    }
    try (Storage storage = Storage.open(config, with(null, keyA))) {
      assertEverythingReadsBack(storage);
    }
    assertThat(DatabaseScan.find(database, SECRETS)).contains("gb_api_keys.api_key: ...0001");
    try (Storage storage = Storage.open(config)) {
      assertEverythingReadsBack(storage);
    }
  }

  @Test
  void keysAreLookedUpByFingerprintWhileEncrypted() throws Exception {
    try (Storage storage = Storage.open(config, with(keyA))) {
      assertThat(storage.apiKeys().addAll(List.of(KEY_ONE, KEY_TWO)).join()).isEqualTo(2);
      assertThat(storage.apiKeys().addAll(List.of(KEY_TWO, " " + KEY_ONE)).join()).as("already stored").isZero();
      storage.keyStates().upsert(List.of(new KeyState(new ApiKey(KEY_ONE).fingerprint(), true, "dead", 3,
          List.of(), java.time.Instant.parse("2026-11-20T10:00:00Z")))).join();

      assertThat(storage.apiKeys().removeAll(List.of(KEY_ONE)).join()).isEqualTo(1);
      assertThat(storage.apiKeys().list().join()).extracting(ApiKey::secret).containsExactly(KEY_TWO);
      assertThat(storage.keyStates().loadAll().join()).isEmpty();
    }
  }

  @Test
  void clientTokenFingerprintsAreHmacsSharedByEveryInstanceOnTheDatabase() throws Exception {
    KeyIdentity identity;
    try (Storage first = Storage.open(config); Storage second = Storage.open(config, with(keyA))) {
      identity = first.tokenFingerprints().of(CLIENT_TOKEN);

      assertThat(second.tokenFingerprints().of(CLIENT_TOKEN)).isEqualTo(identity);
      assertThat(identity.fingerprint()).isNotEqualTo(KeyIdentity.ofSecret(CLIENT_TOKEN).fingerprint())
          .isNotEqualTo(sha256Hex(CLIENT_TOKEN).substring(0, identity.fingerprint().length()))
          .hasSize(16);
      assertThat(identity.last4()).isEqualTo("0001");
    }
    try (Storage restarted = Storage.open(config, with(keyA))) {
      assertThat(restarted.tokenFingerprints().of(CLIENT_TOKEN)).as("stable across restarts").isEqualTo(identity);
    }
    try (TestDatabase other = createDatabase(); Storage elsewhere = Storage.open(other.config())) {
      assertThat(elsewhere.tokenFingerprints().of(CLIENT_TOKEN).fingerprint())
          .as("another installation has another secret").isNotEqualTo(identity.fingerprint());
    }
  }

  /**
   * The gateway on this engine with ENCRYPTION_KEY: serves with the stored keys, takes an API_KEYS
   * PUT (merged by fingerprint), logs client tokens by HMAC, and leaves no key or token in clear.
   */
  @Test
  void theGatewayServesWithEncryptedKeysAndLeavesNoneInClear() throws Exception {
    Map<String, String> env = Map.of("DATABASE_URL", urlWithUser(), "ENCRYPTION_KEY", keyA,
        "API_KEYS", "[\"" + KEY_ONE + "\"]", "ALLOWED_TOKENS", "[\"" + CLIENT_TOKEN + "\"]", "AUTH_TOKEN", ADMIN_TOKEN);
    String expectedFingerprint;
    try (GatewayHarness gateway = GatewayHarness.start(env)) {
      expectedFingerprint = gateway.gateway.persistence().storage().tokenFingerprints().of(CLIENT_TOKEN).fingerprint();
      assertThat(generate(gateway).statusCode()).isEqualTo(200);
      assertThat(gateway.fake.requests()).extracting(Recorded::key).containsExactly(KEY_ONE);

      HttpResponse<String> put = gateway.send(gateway.request("/api/config", "authorization", "Bearer " + ADMIN_TOKEN,
          "content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
              "{\"API_KEYS\":[\"" + KEY_TWO + "\"],\"CUSTOM_HEADERS\":{\"x-secret\":\"" + HEADER_SECRET + "\"}}")).build());
      assertThat(put.statusCode()).isEqualTo(200);
      assertThat(put.body()).contains("...0002").doesNotContain(KEY_TWO);
      gateway.fake.reset();
      assertThat(generate(gateway).statusCode()).isEqualTo(200);
      assertThat(gateway.fake.requests()).extracting(Recorded::key).containsExactly(KEY_TWO);
      assertThat(gateway.fake.requests().get(0).headers().get("x-secret")).isEqualTo(HEADER_SECRET);
    }
    try (GatewayHarness again = GatewayHarness.start(env)) {
      assertThat(generate(again).statusCode()).isEqualTo(200);
      assertThat(again.fake.requests()).extracting(Recorded::key).as("the PUT's key set, read back decrypted")
          .containsExactlyInAnyOrder(KEY_TWO);
    }

    assertThat(DatabaseScan.find(database, SECRETS)).isEmpty();
    // Rows without a client are the gateway's own calls (the model list fetched at start-up).
    assertThat(column("SELECT DISTINCT gb_client_fingerprint FROM t_request_log WHERE gb_client_fingerprint IS NOT NULL"))
        .as("one HMAC fingerprint for the client token, the same across the restart")
        .containsExactly(expectedFingerprint);
  }

  private static HttpResponse<String> generate(GatewayHarness gateway) {
    return gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
  }

  /** DATABASE_URL carries no user of its own, so the server's user goes into the URL. */
  private String urlWithUser() {
    String url = config.jdbcUrl();
    return config.user() == null ? url : url + (url.contains("?") ? "&" : "?") + "user=" + config.user();
  }

  private String quotedKey() {
    return config.type() == DatabaseType.MYSQL ? "`key`" : "\"key\"";
  }

  private List<String> column(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = database.connect(); PreparedStatement select = connection.prepareStatement(sql);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  private static String sha256Hex(String value) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }
}
