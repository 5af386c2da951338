package io.geminibalance.storage.jdbc;

import io.geminibalance.protocol.gemini.ResourceKind;
import io.geminibalance.storage.ResourceRecord;
import io.geminibalance.storage.ResourceStore;
import io.geminibalance.storage.SqlErrors;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ResourceStore} on {@code t_file_records} (files: gemini-balance's columns filled as it did,
 * see {@link FileRecordColumns}, the record in our gb_ columns) and {@code gb_resource} (every other
 * kind). A file's name starts with {@code files/}, no other kind's does, so a name alone tells the
 * table. Rows of {@code t_file_records} without {@code gb_owner} are gemini-balance's: never read,
 * changed or deleted here. Times are epoch milliseconds; {@code expires 0} means no expiry.
 */
public final class JdbcResourceStore implements ResourceStore {
  static final String FILE_TABLE = "t_file_records";
  private static final String FILE_PREFIX = ResourceKind.FILE.collection() + "/";
  /** 20 characters of base64url: 120 random bits. */
  private static final int CLIENT_ID_BYTES = 15;

  /**
   * Where one table keeps a record's fields; {@code columns} are selected in the order
   * {@link #read} expects: name, pool, key fingerprint, key last 4, owner, created, expires, state,
   * metadata, then the kind where the table holds several. {@code ours} marks the rows this store
   * wrote, when the table may hold others.
   */
  private record Table(String name, String columns, String kind, String owner, String created, String expires,
      String ours) {
    String select() {
      return "SELECT " + columns + (kind == null ? "" : ", " + kind) + " FROM " + name;
    }

    /** {@code WHERE condition}, among this store's rows only. */
    String where(String condition) {
      return " WHERE " + (ours == null ? "" : ours + " AND ") + condition;
    }
  }

  private static final Table FILES = new Table(FILE_TABLE, "name, gb_pool, gb_key_fingerprint, gb_key_last4,"
      + " gb_owner, gb_created_at, gb_expires_at, gb_state, gb_metadata", null, "gb_owner", "gb_created_at",
      "gb_expires_at", "gb_owner IS NOT NULL");
  private static final Table RESOURCES = new Table("gb_resource", "name, pool, key_fingerprint, key_last4,"
      + " owner, created_at, expires_at, state, metadata", "kind", "owner", "created_at", "expires_at", null);

  private final Jdbc jdbc;
  private final JdbcValues values;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final String saveFile;
  private final String saveResource;

  JdbcResourceStore(Jdbc jdbc, JdbcValues values, Clock clock) {
    this.jdbc = jdbc;
    this.values = values;
    this.clock = clock;
    this.saveFile = jdbc.dialect().upsert(FILE_TABLE, List.of("name"), List.of("display_name", "mime_type",
        "size_bytes", "sha256_hash", "state", "create_time", "update_time", "expiration_time", "uri", "api_key",
        "user_token", "upload_completed", "gb_pool", "gb_key_fingerprint", "gb_key_last4", "gb_owner",
        "gb_created_at", "gb_expires_at", "gb_state", "gb_metadata"));
    this.saveResource = jdbc.dialect().upsert(RESOURCES.name(), List.of("name"), List.of("kind", "pool",
        "key_fingerprint", "key_last4", "owner", "created_at", "expires_at", "state", "metadata"));
  }

  private static Table tableOf(String name) {
    return name.startsWith(FILE_PREFIX) ? FILES : RESOURCES;
  }

  @Override
  public CompletableFuture<Void> save(ResourceRecord record) {
    if ((record.kind() == ResourceKind.FILE) != record.name().startsWith(FILE_PREFIX)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "a " + record.kind() + " named " + record.name() + ": files, and only files, are named files/..."));
    }
    return jdbc.call("save resource", connection -> {
      if (record.kind() == ResourceKind.FILE) {
        saveFile(connection, record);
      } else {
        saveResource(connection, record);
      }
      return null;
    });
  }

  private void saveFile(Connection connection, ResourceRecord record) throws SQLException {
    FileRecordColumns file = FileRecordColumns.of(record);
    SqlDialect dialect = jdbc.dialect();
    try (PreparedStatement upsert = connection.prepareStatement(saveFile)) {
      upsert.setString(1, record.name());
      upsert.setString(2, file.displayName());
      upsert.setString(3, file.mimeType());
      upsert.setLong(4, file.sizeBytes());
      upsert.setString(5, file.sha256Hash());
      upsert.setString(6, file.state());
      dialect.setTime(upsert, 7, values.local(file.createTime()));
      dialect.setTime(upsert, 8, values.local(file.updateTime()));
      dialect.setTime(upsert, 9, values.local(file.expirationTime()));
      upsert.setString(10, file.uri());
      upsert.setString(11, file.apiKey());
      upsert.setString(12, file.userToken());
      dialect.setTime(upsert, 13, values.local(file.uploadCompleted()));
      bindRecord(upsert, 14, record);
      upsert.executeUpdate();
    }
  }

  private void saveResource(Connection connection, ResourceRecord record) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(saveResource)) {
      upsert.setString(1, record.name());
      upsert.setString(2, record.kind().name());
      bindRecord(upsert, 3, record);
      upsert.executeUpdate();
    }
  }

  /** pool, key fingerprint, key last 4, owner, created, expires, state, metadata from {@code first} on. */
  private static void bindRecord(PreparedStatement statement, int first, ResourceRecord record) throws SQLException {
    statement.setString(first, record.pool());
    statement.setString(first + 1, record.keyFingerprint());
    statement.setString(first + 2, record.keyLast4());
    statement.setString(first + 3, record.owner());
    statement.setLong(first + 4, record.createdMillis());
    statement.setLong(first + 5, record.expiresMillis());
    // Google's states are short enum names; a longer one is cut rather than losing the record.
    statement.setString(first + 6, JdbcValues.truncate(record.state(), 64));
    statement.setString(first + 7, record.metadata());
  }

  @Override
  public CompletableFuture<Optional<ResourceRecord>> find(String name) {
    Table table = tableOf(name);
    return jdbc.call("find resource", connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          table.select() + table.where("name = ?"))) {
        select.setString(1, name);
        // Exactly: t_file_records.name keeps gemini-balance's collation, which ignores case on MySQL.
        return readAll(select, table).stream().filter(record -> record.name().equals(name)).findFirst();
      }
    });
  }

  @Override
  public CompletableFuture<List<ResourceRecord>> list(ResourceKind kind, String owner, long nowMillis, int limit,
      long offset) {
    if (limit < 0 || offset < 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit " + limit + ", offset " + offset));
    }
    Table table = kind == ResourceKind.FILE ? FILES : RESOURCES;
    String sql = table.select() + table.where("(" + table.expires() + " = 0 OR " + table.expires() + " > ?)"
        + (table.kind() == null ? "" : " AND " + table.kind() + " = ?")
        + (owner == null ? "" : " AND " + table.owner() + " = ?"))
        + " ORDER BY " + table.created() + " DESC, name DESC LIMIT ? OFFSET ?";
    return jdbc.call("list resources", connection -> {
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        select.setLong(1, nowMillis);
        int index = 2;
        if (table.kind() != null) {
          select.setString(index++, kind.name());
        }
        if (owner != null) {
          select.setString(index++, owner);
        }
        select.setInt(index++, limit);
        select.setLong(index, offset);
        return readAll(select, table);
      }
    });
  }

  @Override
  public CompletableFuture<Boolean> delete(String name) {
    Table table = tableOf(name);
    return jdbc.call("delete resource", connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM " + table.name() + table.where("name = ?"))) {
        delete.setString(1, name);
        return delete.executeUpdate() > 0;
      }
    });
  }

  /** The oldest expiries of each table, merged: each table gives at most {@code limit}. */
  @Override
  public CompletableFuture<List<ResourceRecord>> expired(long nowMillis, int limit) {
    if (limit < 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit " + limit));
    }
    return jdbc.call("list expired resources", connection -> {
      List<ResourceRecord> all = new ArrayList<>();
      for (Table table : List.of(FILES, RESOURCES)) {
        try (PreparedStatement select = connection.prepareStatement(table.select()
            + table.where(table.expires() + " > 0 AND " + table.expires() + " <= ?") + " ORDER BY " + table.expires() + ", name LIMIT ?")) {
          select.setLong(1, nowMillis);
          select.setInt(2, limit);
          all.addAll(readAll(select, table));
        }
      }
      return all.stream()
          .sorted(Comparator.comparingLong(ResourceRecord::expiresMillis).thenComparing(ResourceRecord::name))
          .limit(limit)
          .toList();
    });
  }

  /**
   * Auto-commit, not a transaction: when another gateway inserts the same fingerprint between our
   * look-up and our INSERT, the INSERT fails on the unique fingerprint and the look-up after it
   * finds their id (a failed statement inside a PostgreSQL transaction would fail that look-up too).
   */
  @Override
  public CompletableFuture<String> clientId(String tokenFingerprint) {
    return jdbc.call("client id", connection -> {
      Optional<String> known = clientIdOf(connection, tokenFingerprint);
      if (known.isPresent()) {
        return known.get();
      }
      String id = newClientId();
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO gb_client (id, token_fingerprint, created_at) VALUES (?, ?, ?)")) {
        insert.setString(1, id);
        insert.setString(2, tokenFingerprint);
        insert.setLong(3, clock.millis());
        insert.executeUpdate();
        return id;
      } catch (SQLException e) {
        if (SqlErrors.isPermanent(e)) {
          Optional<String> theirs = clientIdOf(connection, tokenFingerprint);
          if (theirs.isPresent()) {
            return theirs.get();
          }
        }
        throw e;
      }
    });
  }

  private static Optional<String> clientIdOf(Connection connection, String tokenFingerprint) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT id FROM gb_client WHERE token_fingerprint = ?")) {
      select.setString(1, tokenFingerprint);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /** {@code c_} and 20 URL-safe random characters. */
  private String newClientId() {
    byte[] bytes = new byte[CLIENT_ID_BYTES];
    random.nextBytes(bytes);
    return "c_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Rows of a kind this build does not know (written by a newer one) are skipped. */
  private static List<ResourceRecord> readAll(PreparedStatement select, Table table) throws SQLException {
    List<ResourceRecord> result = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        ResourceKind kind = table.kind() == null ? ResourceKind.FILE : kindOf(rows.getString(10));
        if (kind != null) {
          result.add(read(rows, kind));
        }
      }
    }
    return result;
  }

  private static ResourceRecord read(ResultSet rows, ResourceKind kind) throws SQLException {
    return new ResourceRecord(rows.getString(1), kind, rows.getString(2), rows.getString(3), rows.getString(4),
        rows.getString(5), rows.getLong(6), rows.getLong(7), rows.getString(8), rows.getString(9));
  }

  private static ResourceKind kindOf(String name) {
    for (ResourceKind kind : ResourceKind.values()) {
      if (kind.name().equals(name)) {
        return kind;
      }
    }
    return null;
  }
}
