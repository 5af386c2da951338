package io.geminibalance.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.DatabaseType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultiRowInsertTest {
  private static final SqlDialect SQLITE = SqlDialect.of(DatabaseType.SQLITE);

  /** Sizes below, at and above one chunk, and several chunks with a leftover. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 49, 50, 51, 123})
  void everyRowIsInsertedOnceInOrder(int size) throws SQLException {
    List<Integer> rows = IntStream.range(0, size).boxed().toList();
    MultiRowInsert<Integer> insert = new MultiRowInsert<>(SQLITE, "t", List.of("n", "label"),
        (statement, first, n) -> {
          statement.setInt(first, n);
          statement.setString(first + 1, "row " + n);
        });
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      execute(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, label TEXT)");

      insert.insert(connection, rows);

      assertThat(labelsById(connection)).containsExactlyElementsOf(rows.stream().map(n -> "row " + n).toList());
    }
  }

  @Test
  void rowsPerStatementStayWithinTheEnginesParameterLimit() {
    List<String> wide = Collections.nCopies(1000, "c");

    assertThat(new MultiRowInsert<>(SQLITE, "t", wide, (statement, first, row) -> {}).rowsPerStatement())
        .isEqualTo(32);
    assertThat(new MultiRowInsert<>(SQLITE, "t", List.of("a", "b"), (statement, first, row) -> {}).rowsPerStatement())
        .isEqualTo(50);
  }

  @Test
  void sqlHasOneTuplePerRow() {
    assertThat(MultiRowInsert.insertSql(SqlDialect.of(DatabaseType.POSTGRES), "t", List.of("a", "b"), 2))
        .isEqualTo("INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
  }

  private static List<String> labelsById(Connection connection) throws SQLException {
    List<String> labels = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT label FROM t ORDER BY id")) {
      while (rows.next()) {
        labels.add(rows.getString(1));
      }
    }
    return labels;
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
