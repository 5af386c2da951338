package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.ResponseStore;
import io.geminibalance.storage.StoredResponse;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ResponseStore} on {@code gb_response}; times as epoch milliseconds. Every read and delete
 * names the owner in its WHERE clause, so another client's response is never even loaded.
 */
public final class JdbcResponseStore implements ResponseStore {
  /** The column widths of {@code gb_response}: a longer value would fail on one engine and not another. */
  static final int MAX_ID_CHARS = 64;
  static final int MAX_MODEL_CHARS = 255;
  static final int MAX_OWNER_CHARS = 40;
  private static final String TABLE = "gb_response";
  private static final String COLUMNS = "id, owner, model, created_at, expires_at, body";

  /**
   * Forgets the owner's responses other than the one just saved from its {@code keepPerOwner}-th
   * newest other one on (OFFSET keepPerOwner - 1), newest by (created_at, id) so that responses made
   * in the same millisecond still have one order. The cut-off is read through a derived table with
   * a LIMIT: MySQL refuses a DELETE whose subquery reads the same table directly, and a derived
   * table with a LIMIT is materialised, never merged; the same text runs on every engine. It reads
   * at most keepPerOwner entries of ix_gb_response_owner_time, and usually deletes one row.
   */
  private static final String TRIM_OWNER = "DELETE FROM " + TABLE + " WHERE owner = ? AND id <> ?"
      + " AND (created_at, id) <= (SELECT created_at, id FROM (SELECT created_at, id FROM " + TABLE
      + " WHERE owner = ? AND id <> ? ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?) cutoff)";

  private final Jdbc jdbc;
  private final String upsert;

  JdbcResponseStore(Jdbc jdbc) {
    this.jdbc = jdbc;
    this.upsert = jdbc.dialect().upsert(TABLE, List.of("id"),
        List.of("owner", "model", "created_at", "expires_at", "body"));
  }

  @Override
  public CompletableFuture<Void> save(StoredResponse response, int keepPerOwner) {
    if (keepPerOwner < 1) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("keepPerOwner " + keepPerOwner));
    }
    if (!fits(response.id(), response.owner()) || response.model().length() > MAX_MODEL_CHARS) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("a stored response's id is at most "
          + MAX_ID_CHARS + " and its owner " + MAX_OWNER_CHARS + " ASCII characters, its model at most "
          + MAX_MODEL_CHARS));
    }
    return jdbc.transaction("save response", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(upsert)) {
        statement.setString(1, response.id());
        statement.setString(2, response.owner());
        statement.setString(3, response.model());
        statement.setLong(4, response.createdAtMillis());
        statement.setLong(5, response.expiresAtMillis());
        statement.setString(6, response.body());
        statement.executeUpdate();
      }
      try (PreparedStatement trim = connection.prepareStatement(TRIM_OWNER)) {
        trim.setString(1, response.owner());
        trim.setString(2, response.id());
        trim.setString(3, response.owner());
        trim.setString(4, response.id());
        trim.setInt(5, keepPerOwner - 1);
        trim.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Optional<StoredResponse>> find(String id, String owner, long nowMillis) {
    if (!fits(id, owner)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return jdbc.call("find response", connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = ? AND owner = ? AND expires_at > ?")) {
        select.setString(1, id);
        select.setString(2, owner);
        select.setLong(3, nowMillis);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            return Optional.empty();
          }
          return Optional.of(new StoredResponse(row.getString(1), row.getString(2), row.getString(3),
              row.getLong(4), row.getLong(5), row.getString(6)));
        }
      }
    });
  }

  @Override
  public CompletableFuture<Boolean> delete(String id, String owner) {
    if (!fits(id, owner)) {
      return CompletableFuture.completedFuture(false);
    }
    return jdbc.call("delete response", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM " + TABLE + " WHERE id = ? AND owner = ?")) {
        delete.setString(1, id);
        delete.setString(2, owner);
        return delete.executeUpdate() > 0;
      }
    });
  }

  /**
   * Whether the columns can hold this id and owner (ASCII, within their widths). One that cannot is
   * in no row; and the query is not even sent, as MySQL/MariaDB refuse to compare an ascii_bin
   * column with a value outside ASCII ("Illegal mix of collations") instead of finding nothing.
   */
  private static boolean fits(String id, String owner) {
    return id.length() <= MAX_ID_CHARS && owner.length() <= MAX_OWNER_CHARS && ascii(id) && ascii(owner);
  }

  private static boolean ascii(String text) {
    return text.chars().allMatch(c -> c < 0x80);
  }

  /** One statement of at most {@code limit} rows; the caller repeats it while it comes back full. */
  @Override
  public CompletableFuture<Integer> deleteExpired(long nowMillis, int limit) {
    if (limit <= 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit " + limit));
    }
    return jdbc.call("delete expired responses", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          jdbc.dialect().boundedDelete(TABLE, "expires_at <= ?", limit))) {
        delete.setLong(1, nowMillis);
        return delete.executeUpdate();
      }
    });
  }
}
