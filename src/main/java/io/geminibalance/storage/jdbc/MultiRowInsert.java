package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Inserts a batch of rows with few statement executions: the rows go in chunks of
 * {@link #rowsPerStatement()} through one {@code INSERT ... VALUES (...), (...), ...} each, and the
 * rows left over (fewer than a chunk) through a JDBC batch of the single-row INSERT. With one row
 * per statement (see {@link SqlDialect#rowsPerInsert()}) that is a plain JDBC batch.
 *
 * <p>The chunk statement is prepared once per call and reused for every chunk of the batch; a
 * leftover of another size gets no statement of its own, because preparing a VALUES list costs
 * about as much per row as it saves (on SQLite; see {@link #upsertAdd} for the exception).
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
  private final IntFunction<String> sqlForRows;
  private final boolean leftoverInOneStatement;
  private final String chunkInsert;
  private final String singleInsert;

  /** Takes the dialect's rows per statement, as far as its limit on bound parameters allows. */
  MultiRowInsert(SqlDialect dialect, String table, List<String> columns, RowBinder<T> binder) {
    this(dialect, columns.size(), dialect.rowsPerInsert(), rows -> insertSql(dialect, table, columns, rows), false,
        binder);
  }

  private MultiRowInsert(SqlDialect dialect, int columnCount, int rowsWanted, IntFunction<String> sqlForRows,
      boolean leftoverInOneStatement, RowBinder<T> binder) {
    this.columnCount = columnCount;
    this.rowsPerStatement = Math.max(1, Math.min(rowsWanted, dialect.maxBindParameters() / columnCount));
    this.binder = binder;
    this.sqlForRows = sqlForRows;
    this.leftoverInOneStatement = leftoverInOneStatement;
    this.chunkInsert = sqlForRows.apply(rowsPerStatement);
    this.singleInsert = sqlForRows.apply(1);
  }

  /**
   * The upsert-add of {@link SqlDialect#upsertAdd} ({@code binder} binds the key, add and set
   * columns in that order), {@link SqlDialect#rowsPerUpsertAdd} rows per statement. The leftover
   * goes in one statement of its size: only a dialect whose driver runs a batch row by row takes
   * several rows per statement, and for it one more statement costs more than preparing it.
   */
  static <T> MultiRowInsert<T> upsertAdd(SqlDialect dialect, String table, List<String> keyColumns,
      List<String> addColumns, List<String> setColumns, RowBinder<T> binder) {
    int columns = keyColumns.size() + addColumns.size() + setColumns.size();
    return new MultiRowInsert<>(dialect, columns, dialect.rowsPerUpsertAdd(),
        rows -> dialect.upsertAdd(table, keyColumns, addColumns, setColumns, rows), true, binder);
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
    List<T> leftover = rows.subList(chunked, rows.size());
    if (leftover.size() > 1 && leftoverInOneStatement && rowsPerStatement > 1) {
      try (PreparedStatement insert = connection.prepareStatement(sqlForRows.apply(leftover.size()))) {
        bindChunk(insert, leftover);
        insert.executeUpdate();
      }
    } else if (!leftover.isEmpty()) {
      insertOneByOne(connection, leftover);
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
    return dialect.insertInto() + " " + table + " (" + String.join(", ", columns) + ") VALUES "
        + SqlDialect.valuesList(columns.size(), rows);
  }
}
