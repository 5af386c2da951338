package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.AdminTokenStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link AdminTokenStore} on {@code gb_admin_token}: one row, named {@value #NAME}. */
public final class JdbcAdminTokenStore implements AdminTokenStore {
  private static final String NAME = "admin";
  private final Jdbc jdbc;
  private final Clock clock;

  JdbcAdminTokenStore(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Optional<String>> load() {
    return jdbc.call("load admin token hash", JdbcAdminTokenStore::stored);
  }

  private static Optional<String> stored(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT token_hash FROM gb_admin_token WHERE name = ?")) {
      select.setString(1, NAME);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Auto-commit, not a transaction: when another gateway inserts between our look-up and our
   * INSERT, the INSERT fails on the primary key and the look-up after it finds their row (a failed
   * statement inside a PostgreSQL transaction would make that second look-up fail too).
   */
  @Override
  public CompletableFuture<Boolean> createIfAbsent(String hash) {
    return jdbc.call("store admin token hash", connection -> {
      if (stored(connection).isPresent()) {
        return false;
      }
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO gb_admin_token (name, token_hash, created_at) VALUES (?, ?, ?)")) {
        insert.setString(1, NAME);
        insert.setString(2, hash);
        insert.setLong(3, clock.millis());
        insert.executeUpdate();
        return true;
      } catch (SQLException e) {
        if (stored(connection).isPresent()) {
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public CompletableFuture<Void> replace(String hash) {
    return jdbc.call("replace admin token hash", connection -> {
      try (PreparedStatement upsert = connection.prepareStatement(jdbc.dialect().upsert("gb_admin_token",
          List.of("name"), List.of("token_hash", "created_at")))) {
        upsert.setString(1, NAME);
        upsert.setString(2, hash);
        upsert.setLong(3, clock.millis());
        upsert.executeUpdate();
      }
      return null;
    });
  }
}
