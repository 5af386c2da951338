package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.AdminSession;
import io.geminibalance.storage.AdminSessionStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link AdminSessionStore} on {@code gb_admin_session}; times as epoch milliseconds. */
public final class JdbcAdminSessionStore implements AdminSessionStore {
  private final Jdbc jdbc;

  JdbcAdminSessionStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public CompletableFuture<Void> create(AdminSession session) {
    return jdbc.call("create admin session", connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO gb_admin_session (id_hash,"
          + " csrf_token, admin_fingerprint, credential_id, client_address, created_at, expires_at, last_seen_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, session.idHash());
        insert.setString(2, session.csrfToken());
        insert.setString(3, session.adminFingerprint());
        insert.setString(4, session.credentialId());
        insert.setString(5, session.clientAddress());
        insert.setLong(6, session.createdAt().toEpochMilli());
        insert.setLong(7, session.expiresAt().toEpochMilli());
        insert.setLong(8, session.lastSeenAt().toEpochMilli());
        insert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Optional<AdminSession>> find(String idHash) {
    return jdbc.call("find admin session", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT id_hash, csrf_token, admin_fingerprint,"
          + " credential_id, client_address, created_at, expires_at, last_seen_at FROM gb_admin_session"
          + " WHERE id_hash = ?")) {
        select.setString(1, idHash);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            return Optional.empty();
          }
          return Optional.of(new AdminSession(row.getString(1), row.getString(2), row.getString(3),
              row.getString(4), row.getString(5), Instant.ofEpochMilli(row.getLong(6)),
              Instant.ofEpochMilli(row.getLong(7)), Instant.ofEpochMilli(row.getLong(8))));
        }
      }
    });
  }

  @Override
  public CompletableFuture<Void> touch(String idHash, Instant when) {
    return jdbc.call("touch admin session", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE gb_admin_session SET last_seen_at = ? WHERE id_hash = ?")) {
        update.setLong(1, when.toEpochMilli());
        update.setString(2, idHash);
        update.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Boolean> delete(String idHash) {
    return jdbc.call("delete admin session", connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM gb_admin_session WHERE id_hash = ?")) {
        delete.setString(1, idHash);
        return delete.executeUpdate() > 0;
      }
    });
  }

  @Override
  public CompletableFuture<Integer> deleteExpired(Instant now) {
    return jdbc.call("delete expired admin sessions", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM gb_admin_session WHERE expires_at <= ?")) {
        delete.setLong(1, now.toEpochMilli());
        return delete.executeUpdate();
      }
    });
  }
}
