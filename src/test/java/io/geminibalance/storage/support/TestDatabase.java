package io.geminibalance.storage.support;

import io.geminibalance.storage.StorageConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A throw-away database of one engine for one test class; {@link #close()} drops it. */
public interface TestDatabase extends AutoCloseable {
  StorageConfig config();

  /** A plain connection, outside the gateway's pool, for fixtures and checks. */
  default Connection connect() throws SQLException {
    StorageConfig config = config();
    return DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
  }

  default void execute(String... statements) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  default long count(String sql) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement();
        var rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Runs a classpath SQL script whose statements end with ';' at the end of a line. */
  default void runScript(String resource) throws SQLException, IOException {
    try (InputStream in = TestDatabase.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no test resource " + resource);
      }
      String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      execute(java.util.Arrays.stream(script.split(";\\s*\\n"))
          .map(s -> s.replaceAll("(?m)^--.*$", "").trim())
          .filter(s -> !s.isEmpty())
          .toArray(String[]::new));
    }
  }

  /** The engine's statement to rename a table (used to simulate an outage of one table). */
  String renameTable(String from, String to);

  @Override
  void close() throws SQLException;
}
