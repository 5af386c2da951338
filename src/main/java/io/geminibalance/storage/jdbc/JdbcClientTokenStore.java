package io.geminibalance.storage.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.storage.ClientTokenStore;
import io.geminibalance.storage.StoredClientToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ClientTokenStore} on {@code gb_client_token}: the lists as JSON arrays of strings, times
 * as epoch milliseconds. A handful of rows, read whole at start and after each change.
 */
public final class JdbcClientTokenStore implements ClientTokenStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final String VALUES = "name, value_hash, last4, models, protocols, rpm, rpd, tpm, tpd, max_concurrent,"
      + " expires_at, cidrs, enabled, revoked_at, updated_at";
  private static final String COLUMNS = "id, " + VALUES + ", created_at";

  private final Jdbc jdbc;

  JdbcClientTokenStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public CompletableFuture<List<StoredClientToken>> loadAll() {
    return jdbc.call("load client tokens", connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM gb_client_token ORDER BY created_at, id");
          ResultSet rows = select.executeQuery()) {
        List<StoredClientToken> tokens = new ArrayList<>();
        while (rows.next()) {
          tokens.add(read(rows));
        }
        return tokens;
      }
    });
  }

  @Override
  public CompletableFuture<Optional<StoredClientToken>> find(String id) {
    return jdbc.call("find client token", connection -> find(connection, id));
  }

  private static Optional<StoredClientToken> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT " + COLUMNS + " FROM gb_client_token WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  @Override
  public CompletableFuture<Void> insert(StoredClientToken token) {
    return jdbc.call("add client token", connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO gb_client_token (" + VALUES + ", id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
              + " ?, ?, ?)")) {
        int next = bindValues(insert, token);
        insert.setString(next, token.id());
        insert.setLong(next + 1, token.createdAtMillis());
        insert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Boolean> update(StoredClientToken token) {
    return jdbc.call("update client token", connection -> {
      String assignments = String.join(" = ?, ", VALUES.split(", ")) + " = ?";
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE gb_client_token SET " + assignments + " WHERE id = ?")) {
        int next = bindValues(update, token);
        update.setString(next, token.id());
        return update.executeUpdate() > 0;
      }
    });
  }

  /** Binds {@link #VALUES} in order from parameter 1; returns the next parameter's index. */
  private static int bindValues(PreparedStatement statement, StoredClientToken token) throws SQLException {
    statement.setString(1, token.name());
    statement.setString(2, token.valueHash());
    statement.setString(3, token.last4());
    statement.setString(4, json(token.models()));
    statement.setString(5, json(token.protocols()));
    setLong(statement, 6, token.rpm());
    setLong(statement, 7, token.rpd());
    setLong(statement, 8, token.tpm());
    setLong(statement, 9, token.tpd());
    JdbcValues.setInt(statement, 10, token.maxConcurrent());
    setLong(statement, 11, token.expiresAtMillis());
    statement.setString(12, json(token.cidrs()));
    statement.setBoolean(13, token.enabled());
    setLong(statement, 14, token.revokedAtMillis());
    statement.setLong(15, token.updatedAtMillis());
    return 16;
  }

  private static StoredClientToken read(ResultSet rows) throws SQLException {
    return new StoredClientToken(rows.getString("id"), rows.getString("name"), rows.getString("value_hash"),
        rows.getString("last4"), strings(rows, "models"), strings(rows, "protocols"),
        JdbcValues.getLong(rows, "rpm"), JdbcValues.getLong(rows, "rpd"), JdbcValues.getLong(rows, "tpm"),
        JdbcValues.getLong(rows, "tpd"), JdbcValues.getInt(rows, "max_concurrent"),
        JdbcValues.getLong(rows, "expires_at"), strings(rows, "cidrs"), rows.getBoolean("enabled"),
        JdbcValues.getLong(rows, "revoked_at"), rows.getLong("created_at"), rows.getLong("updated_at"));
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
