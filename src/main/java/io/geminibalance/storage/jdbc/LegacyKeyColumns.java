package io.geminibalance.storage.jdbc;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.SecretRedactor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * gemini-balance stored the full key in {@code t_request_log.api_key}, {@code t_error_logs.gemini_key}
 * and {@code t_file_records} (key and client token), and its error texts can quote a key (a URL with
 * {@code key=}). With ENCRYPTION_KEY those rows are rewritten the way ours are written: the masked
 * key ({@code ...a1B2}) in the original column, the fingerprint and last 4 characters in our gb_
 * columns (so statistics still group the old rows with the key's new ones), secrets in texts
 * redacted. Rows we write never hold a full key, so this only ever finds gemini-balance's.
 *
 * <p>Each table is walked by id in batches of {@value #BATCH} rows, one transaction each: these
 * tables can hold millions of rows, and a restart after an interruption carries on where it stopped.
 */
final class LegacyKeyColumns {
  private static final int BATCH = 500;

  private final Jdbc jdbc;
  private final SecretRedactor redactor;

  /** @param redactor knows the pool's keys, for texts; each row's own key is added as it is read */
  LegacyKeyColumns(Jdbc jdbc, SecretRedactor redactor) {
    this.jdbc = jdbc;
    this.redactor = redactor;
  }

  /** Returns how many rows were rewritten. */
  int maskAll() {
    return requestLog() + errorLog() + fileRecords();
  }

  /** Our rows always carry a fingerprint; a row without one is gemini-balance's. */
  private int requestLog() {
    return walk("t_request_log", "SELECT id, api_key FROM t_request_log WHERE gb_key_fingerprint IS NULL AND id > ?"
        + " ORDER BY id LIMIT " + BATCH,
        "UPDATE t_request_log SET api_key = ?, gb_key_fingerprint = ?, gb_key_last4 = ? WHERE id = ?",
        (rows, update) -> {
          KeyIdentity key = identity(rows.getString(2));
          update.setString(1, rows.getString(2) == null ? null : key.masked());
          update.setString(2, key.fingerprint());
          update.setString(3, key.last4());
          update.setLong(4, rows.getLong(1));
        });
  }

  /** Our error rows without a fingerprint have no key at all; only rows with a key are candidates. */
  private int errorLog() {
    return walk("t_error_logs", "SELECT id, gemini_key, error_log, request_msg FROM t_error_logs"
        + " WHERE gb_key_fingerprint IS NULL AND gemini_key IS NOT NULL AND id > ? ORDER BY id LIMIT " + BATCH,
        "UPDATE t_error_logs SET gemini_key = ?, gb_key_fingerprint = ?, gb_key_last4 = ?, error_log = ?,"
            + " request_msg = ? WHERE id = ?",
        (rows, update) -> {
          String full = rows.getString(2);
          redactor.register(full);
          KeyIdentity key = identity(full);
          update.setString(1, key.masked());
          update.setString(2, key.fingerprint());
          update.setString(3, key.last4());
          update.setString(4, redactor.redact(rows.getString(3)));
          update.setString(5, redactor.redact(rows.getString(4)));
          update.setLong(6, rows.getLong(1));
        });
  }

  /** No gb_ column marks these rows; a value already masked ({@code ...}) or empty is left as it is. */
  private int fileRecords() {
    return walk("t_file_records", "SELECT id, api_key, user_token FROM t_file_records WHERE id > ?"
        + " AND ((api_key <> '' AND api_key NOT LIKE '...%') OR (user_token <> '' AND user_token NOT LIKE '...%'))"
        + " ORDER BY id LIMIT " + BATCH,
        "UPDATE t_file_records SET api_key = ?, user_token = ? WHERE id = ?",
        (rows, update) -> {
          update.setString(1, masked(rows.getString(2)));
          update.setString(2, masked(rows.getString(3)));
          update.setLong(3, rows.getLong(1));
        });
  }

  private interface RowRewrite {
    void bind(ResultSet rows, PreparedStatement update) throws SQLException;
  }

  /** Rewrites every selected row; {@code select} takes the last id seen, so each row is visited once. */
  private int walk(String table, String select, String update, RowRewrite rewrite) {
    int total = 0;
    long after = Long.MIN_VALUE;
    while (true) {
      long from = after;
      long[] batch = jdbc.transactionNow("mask full keys in " + table, connection -> rewriteBatch(connection,
          select, update, rewrite, from));
      total += (int) batch[0];
      if (batch[0] < BATCH) {
        return total;
      }
      after = batch[1];
    }
  }

  /** Returns {rows rewritten, last id}. */
  private static long[] rewriteBatch(Connection connection, String select, String update, RowRewrite rewrite,
      long after) throws SQLException {
    long count = 0;
    long last = after;
    try (PreparedStatement query = connection.prepareStatement(select);
        PreparedStatement change = connection.prepareStatement(update)) {
      query.setLong(1, after);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          rewrite.bind(rows, change);
          change.addBatch();
          last = rows.getLong(1);
          count++;
        }
      }
      if (count > 0) {
        change.executeBatch();
      }
    }
    return new long[] {count, last};
  }

  /** The identity of a stored key column: a full key, an already masked one, or nothing. */
  private static KeyIdentity identity(String stored) {
    if (stored == null || stored.isBlank()) {
      return new KeyIdentity("", "");
    }
    if (stored.startsWith("...")) {
      String rest = stored.substring(3);
      return new KeyIdentity("", rest.length() <= 4 ? rest : rest.substring(rest.length() - 4));
    }
    return KeyIdentity.ofSecret(stored.strip());
  }

  private static String masked(String value) {
    return value == null || value.isEmpty() || value.startsWith("...") ? value : ApiKey.mask(value);
  }
}
