package io.geminibalance.storage.support;

import io.geminibalance.storage.DatabaseType;
import io.geminibalance.storage.StorageConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.UUID;

/**
 * A database of its own on a real MariaDB or PostgreSQL server, named gb_test_&lt;random&gt; so that
 * parallel runs do not collide, dropped on close. Server addresses can be changed with
 * TEST_MARIADB_URL / TEST_POSTGRES_URL (a JDBC URL of the server, no database).
 */
public final class ServerTestDatabase implements TestDatabase {
  private final DatabaseType type;
  private final String serverUrl;
  private final String user;
  private final String name;
  private final StorageConfig config;

  private ServerTestDatabase(DatabaseType type, String serverUrl, String user) throws SQLException {
    this.type = type;
    this.serverUrl = serverUrl;
    this.user = user;
    this.name = "gb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + name);
    String url = type == DatabaseType.MYSQL ? serverUrl + name : serverUrl.replaceFirst("/[^/]*$", "/" + name);
    this.config = new StorageConfig(type, url, user, "", ZoneId.systemDefault(), 4);
  }

  /** Creates a database on the MariaDB server, or skips/fails the class per {@link BackendAvailability}. */
  public static ServerTestDatabase mariadb() {
    String url = envOr("TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
    return createOrSkip(DatabaseType.MYSQL, url, "root", "MariaDB at " + url);
  }

  public static ServerTestDatabase postgres() {
    String url = envOr("TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    return createOrSkip(DatabaseType.POSTGRES, url, "postgres", "PostgreSQL at " + url);
  }

  private static ServerTestDatabase createOrSkip(DatabaseType type, String url, String user, String backend) {
    try {
      return new ServerTestDatabase(type, url, user);
    } catch (SQLException e) {
      BackendAvailability.requireReachable(backend, e);
      throw new IllegalStateException("unreachable", e);
    }
  }

  private void admin(String sql) throws SQLException {
    DriverManager.setLoginTimeout(3);
    try (Connection connection = DriverManager.getConnection(serverUrl, user, "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Override
  public StorageConfig config() {
    return config;
  }

  @Override
  public String renameTable(String from, String to) {
    return type == DatabaseType.MYSQL ? "RENAME TABLE " + from + " TO " + to : "ALTER TABLE " + from + " RENAME TO " + to;
  }

  /**
   * PostgreSQL only: closes every open connection to this database and refuses new ones (or
   * allows them again), which is what the gateway sees when its database server goes away.
   */
  public void refuseConnections(boolean refuse) throws SQLException {
    if (type != DatabaseType.POSTGRES) {
      throw new UnsupportedOperationException("refuseConnections: PostgreSQL only");
    }
    admin("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS " + !refuse);
    if (refuse) {
      admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
    }
  }

  @Override
  public void close() throws SQLException {
    admin(type == DatabaseType.MYSQL ? "DROP DATABASE IF EXISTS " + name : "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
