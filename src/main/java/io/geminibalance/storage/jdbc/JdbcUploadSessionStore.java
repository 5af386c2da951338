package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.UploadSession;
import io.geminibalance.storage.UploadSessionStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link UploadSessionStore} on {@code gb_upload_session}; times as epoch milliseconds. */
public final class JdbcUploadSessionStore implements UploadSessionStore {
  private static final String COLUMNS = "id_hash, upload_target, key_fingerprint, key_last4, owner,"
      + " declared_bytes, kind, store_name, created_at, expires_at";
  private final Jdbc jdbc;

  JdbcUploadSessionStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public CompletableFuture<Void> create(UploadSession session) {
    return jdbc.call("create upload session", connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO gb_upload_session (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, session.idHash());
        insert.setString(2, session.uploadTarget());
        insert.setString(3, session.keyFingerprint());
        insert.setString(4, session.keyLast4());
        insert.setString(5, session.owner());
        insert.setLong(6, session.declaredBytes());
        insert.setString(7, session.kind().name());
        if (session.storeName() == null) {
          insert.setNull(8, Types.VARCHAR);
        } else {
          insert.setString(8, session.storeName());
        }
        insert.setLong(9, session.createdMillis());
        insert.setLong(10, session.expiresMillis());
        insert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Optional<UploadSession>> find(String idHash) {
    return jdbc.call("find upload session", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
          + " FROM gb_upload_session WHERE id_hash = ?")) {
        select.setString(1, idHash);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            return Optional.empty();
          }
          return Optional.of(new UploadSession(row.getString(1), row.getString(2), row.getString(3),
              row.getString(4), row.getString(5), row.getLong(6), UploadSession.Kind.valueOf(row.getString(7)),
              row.getString(8), row.getLong(9), row.getLong(10)));
        }
      }
    });
  }

  @Override
  public CompletableFuture<Boolean> delete(String idHash) {
    return jdbc.call("delete upload session", connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM gb_upload_session WHERE id_hash = ?")) {
        delete.setString(1, idHash);
        return delete.executeUpdate() > 0;
      }
    });
  }

  @Override
  public CompletableFuture<Integer> countOpen(String owner, long nowMillis) {
    return jdbc.call("count open upload sessions", connection -> {
      try (PreparedStatement count = connection.prepareStatement(
          "SELECT COUNT(*) FROM gb_upload_session WHERE owner = ? AND expires_at > ?")) {
        count.setString(1, owner);
        count.setLong(2, nowMillis);
        try (java.sql.ResultSet row = count.executeQuery()) {
          return row.next() ? row.getInt(1) : 0;
        }
      }
    });
  }

  @Override
  public CompletableFuture<Integer> deleteExpired(long nowMillis) {
    return jdbc.call("delete expired upload sessions", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM gb_upload_session WHERE expires_at <= ?")) {
        delete.setLong(1, nowMillis);
        return delete.executeUpdate();
      }
    });
  }
}
