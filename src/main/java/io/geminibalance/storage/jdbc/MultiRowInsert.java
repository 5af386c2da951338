package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * Inserts a batch of rows with few statement executions: the rows go in chunks of
 * {@link #rowsPerStatement()} through one {@code INSERT ... VALUES (...), (...), ...} each, and the
 * rows left over (fewer than a chunk) through a JDBC batch of the single-row INSERT. With one row
 * per statement (see {@link SqlDialect#rowsPerInsert()}) that is a plain JDBC batch.
 *
 * <p>The chunk statement is prepared once per call and reused for every chunk of the batch; a
 * leftover of another size gets no statement of its own, because preparing a VALUES list costs
 * about as much per row as it saves.
 *
 * @param <T> the row type
 */
final class MultiRowInsert<T> {
  /** Binds one row's values starting at parameter {@code first}; binds exactly as many as there are columns. */
  @FunctionalInterface
  interface RowBinder<T> {
    void bind(PreparedStatement statement, int first, T row) throws SQLException;
  }

  private final int columnCount;
  private final int rowsPerStatement;
  private final RowBinder<T> binder;
  private final String chunkInsert;
  private final String singleInsert;

  /** Takes the dialect's rows per statement, as far as its limit on bound parameters allows. */
  MultiRowInsert(SqlDialect dialect, String table, List<String> columns, RowBinder<T> binder) {
    this.columnCount = columns.size();
    this.rowsPerStatement = Math.max(1, Math.min(dialect.rowsPerInsert(), dialect.maxBindParameters() / columnCount));
    this.binder = binder;
    this.chunkInsert = insertSql(dialect, table, columns, rowsPerStatement);
    this.singleInsert = insertSql(dialect, table, columns, 1);
  }

  int rowsPerStatement() {
    return rowsPerStatement;
  }

  /**
   * Inserts every row, in list order. Call it inside a transaction and roll that back when it
   * throws: on SQLite a failing chunk keeps the rows before the bad one (INSERT OR FAIL).
   */
  void insert(Connection connection, List<T> rows) throws SQLException {
    int chunked = rowsPerStatement > 1 ? rows.size() - rows.size() % rowsPerStatement : 0;
    if (chunked > 0) {
      insertChunks(connection, rows.subList(0, chunked));
    }
    if (chunked < rows.size()) {
      insertOneByOne(connection, rows.subList(chunked, rows.size()));
    }
  }

  /** A plain JDBC batch, one row per statement: for rows too large to bind a chunk of at once. */
  void insertOneByOne(Connection connection, List<T> rows) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(singleInsert)) {
      for (T row : rows) {
        binder.bind(insert, 1, row);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private void insertChunks(Connection connection, List<T> rows) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(chunkInsert)) {
      for (int start = 0; start < rows.size(); start += rowsPerStatement) {
        bindChunk(insert, rows.subList(start, start + rowsPerStatement));
        insert.executeUpdate();
      }
    }
  }

  private void bindChunk(PreparedStatement insert, List<T> chunk) throws SQLException {
    int first = 1;
    for (T row : chunk) {
      binder.bind(insert, first, row);
      first += columnCount;
    }
  }

  static String insertSql(SqlDialect dialect, String table, List<String> columns, int rows) {
    String tuple = "(" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
    StringBuilder sql = new StringBuilder(dialect.insertInto()).append(' ').append(table)
        .append(" (").append(String.join(", ", columns)).append(") VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ", ").append(tuple);
    }
    return sql.toString();
  }
}
