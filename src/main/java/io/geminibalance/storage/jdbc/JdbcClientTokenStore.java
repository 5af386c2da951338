package io.geminibalance.storage.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.storage.ClientTokenStore;
import io.geminibalance.storage.SqlErrors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ClientTokenStore} on {@code gb_client_token}: the lists as JSON arrays of strings (the
 * protocols by label), times as epoch milliseconds. A handful of rows, read whole at start and
 * after each change.
 *
 * <p>{@code name_key} (migration 15) carries the unique index on names: the SHA-256 (hex) of
 * {@link ClientToken#nameKey} while the token is not revoked, null once it is. Revoked names may
 * be given again, and every engine lets any number of rows hold null in a unique column, while
 * MariaDB has no partial index. The key is computed here rather than by the database, whose
 * lower-casing differs between engines (SQLite's folds ASCII only); hashed, so that it is short
 * ASCII compared byte for byte everywhere.
 */
public final class JdbcClientTokenStore implements ClientTokenStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final String VALUES = "name, name_key, value_hash, last4, models, protocols, rpm, rpd, tpm, tpd, max_concurrent,"
      + " expires_at, cidrs, enabled, revoked_at, updated_at";
  private static final String COLUMNS = "id, " + VALUES + ", created_at";
  /** A parameter for each of {@link #VALUES}, the id and the creation time. */
  private static final String MARKS = String.join(", ", Collections.nCopies(VALUES.split(", ").length + 2, "?"));

  private final Jdbc jdbc;

  JdbcClientTokenStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public CompletableFuture<List<ClientToken>> loadAll() {
    return jdbc.call("load client tokens", connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM gb_client_token ORDER BY created_at, id");
          ResultSet rows = select.executeQuery()) {
        List<ClientToken> tokens = new ArrayList<>();
        while (rows.next()) {
          tokens.add(read(rows));
        }
        return tokens;
      }
    });
  }

  @Override
  public CompletableFuture<Optional<ClientToken>> find(String id) {
    return jdbc.call("find client token", connection -> find(connection, id));
  }

  private static Optional<ClientToken> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT " + COLUMNS + " FROM gb_client_token WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  @Override
  public CompletableFuture<Void> insert(ClientToken token) {
    return jdbc.call("add client token", connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO gb_client_token (" + VALUES + ", id, created_at) VALUES (" + MARKS + ")")) {
        int next = bindValues(insert, token);
        insert.setString(next, token.id());
        insert.setLong(next + 1, token.createdAt().toEpochMilli());
        write(connection, insert, token);
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Boolean> update(ClientToken token) {
    return jdbc.call("update client token", connection -> {
      String assignments = String.join(" = ?, ", VALUES.split(", ")) + " = ?";
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE gb_client_token SET " + assignments + " WHERE id = ? AND revoked_at IS NULL")) {
        int next = bindValues(update, token);
        update.setString(next, token.id());
        return write(connection, update, token) > 0;
      }
    });
  }

  /**
   * Executes the write; a unique violation on the name (asked of the table, as the engines word
   * their errors differently) becomes {@link NameTaken}, any other stays the driver's error.
   */
  private static int write(Connection connection, PreparedStatement statement, ClientToken token)
      throws SQLException {
    try {
      return statement.executeUpdate();
    } catch (SQLException e) {
      if (SqlErrors.isUniqueViolation(e) && nameHeldElsewhere(connection, token)) {
        throw new NameTaken(token.name());
      }
      throw e;
    }
  }

  private static boolean nameHeldElsewhere(Connection connection, ClientToken token) throws SQLException {
    String key = nameKey(token.name(), token.revokedAt() != null);
    if (key == null) {
      return false;
    }
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT id FROM gb_client_token WHERE name_key = ? AND id <> ?")) {
      select.setString(1, key);
      select.setString(2, token.id());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** The value of {@code name_key}: see the class comment; null for a revoked token. */
  static String nameKey(String name, boolean revoked) {
    if (revoked) {
      return null;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(ClientToken.nameKey(name).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Binds {@link #VALUES} in order from parameter 1; returns the next parameter's index. */
  private static int bindValues(PreparedStatement statement, ClientToken token) throws SQLException {
    TokenLimits limits = token.limits();
    statement.setString(1, token.name());
    statement.setString(2, nameKey(token.name(), token.revokedAt() != null));
    statement.setString(3, token.hash());
    statement.setString(4, token.last4());
    statement.setString(5, json(token.models()));
    statement.setString(6, json(token.protocolLabels()));
    setLong(statement, 7, limits.requestsPerMinute());
    setLong(statement, 8, limits.requestsPerDay());
    setLong(statement, 9, limits.tokensPerMinute());
    setLong(statement, 10, limits.tokensPerDay());
    JdbcValues.setInt(statement, 11, limits.maxConcurrent());
    setLong(statement, 12, millis(token.expiresAt()));
    statement.setString(13, json(token.cidrs()));
    statement.setBoolean(14, token.enabled());
    setLong(statement, 15, millis(token.revokedAt()));
    statement.setLong(16, token.updatedAt().toEpochMilli());
    return 17;
  }

  private static ClientToken read(ResultSet rows) throws SQLException {
    List<ClientProtocol> protocols = strings(rows, "protocols").stream().map(ClientProtocol::ofLabel)
        .filter(Objects::nonNull).toList();
    TokenLimits limits = new TokenLimits(JdbcValues.getLong(rows, "rpm"), JdbcValues.getLong(rows, "rpd"),
        JdbcValues.getLong(rows, "tpm"), JdbcValues.getLong(rows, "tpd"), JdbcValues.getInt(rows, "max_concurrent"));
    return new ClientToken(rows.getString("id"), rows.getString("name"), rows.getString("value_hash"),
        rows.getString("last4"), strings(rows, "models"), Set.copyOf(protocols), limits,
        instant(JdbcValues.getLong(rows, "expires_at")), strings(rows, "cidrs"), rows.getBoolean("enabled"),
        instant(JdbcValues.getLong(rows, "revoked_at")), Instant.ofEpochMilli(rows.getLong("created_at")),
        Instant.ofEpochMilli(rows.getLong("updated_at")));
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  private static Instant instant(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  private static String json(List<String> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings is always JSON", e);
    }
  }

  /** A column someone edited by hand into something else than a JSON list reads as a failure naming it. */
  private static List<String> strings(ResultSet rows, String column) throws SQLException {
    String text = rows.getString(column);
    try {
      return text == null ? List.of() : JSON.readValue(text, STRINGS);
    } catch (JsonProcessingException e) {
      throw new SQLException("gb_client_token." + column + " of " + rows.getString("id") + " is not a JSON list of"
          + " strings");
    }
  }
}
