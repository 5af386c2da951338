package io.geminibalance.storage;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to store the gateway's state. Build it from the process environment with
 * {@link #fromEnv(Map)}; {@code DATABASE_URL} (a JDBC URL) overrides every other database setting.
 *
 * @param zone the zone of the naive DATETIME columns; gemini-balance wrote the container's local
 *     time, so reusing its database needs the same zone (env {@code TZ}, else the JVM default)
 * @param maxPoolSize connections in the pool, also the number of JDBC worker threads
 */
public record StorageConfig(
    DatabaseType type, String jdbcUrl, String user, String password, ZoneId zone, int maxPoolSize) {

  public StorageConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(zone, "zone");
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("maxPoolSize: " + maxPoolSize + " (expected: at least 1)");
    }
  }

  /** A SQLite file, e.g. for tests and single-node installs. */
  public static StorageConfig sqlite(Path file) {
    return new StorageConfig(DatabaseType.SQLITE, "jdbc:sqlite:" + file, null, null, ZoneId.systemDefault(), 4);
  }

  /**
   * Defaults and ranges as the settings catalogue declares them.
   *
   * @throws IllegalArgumentException or a {@link ConfigException}, naming the bad setting
   */
  public static StorageConfig fromEnv(Map<String, String> env) {
    ConfigValues reader = new ConfigValues(env);
    ZoneId tz = reader.zone("TZ");
    ZoneId zone = tz == null ? ZoneId.systemDefault() : tz;
    String url = reader.string("DATABASE_URL");
    if (url != null) {
      DatabaseType type = DatabaseType.fromJdbcUrl(url);
      return new StorageConfig(type, normalise(url), null, null, zone, poolSize(type));
    }
    DatabaseType type = DatabaseType.parse(reader.string("DATABASE_TYPE"));
    return switch (type) {
      case SQLITE -> new StorageConfig(type, "jdbc:sqlite:" + sqlitePath(reader), null, null, zone, 4);
      case MYSQL -> mysql(reader, zone);
      case POSTGRES -> postgres(reader, zone);
    };
  }

  /** The SQLite file, or null for a server database. */
  public Path sqliteFile() {
    return type == DatabaseType.SQLITE ? Path.of(jdbcUrl.substring("jdbc:sqlite:".length()).split("\\?")[0]) : null;
  }

  public StorageConfig withZone(ZoneId newZone) {
    return new StorageConfig(type, jdbcUrl, user, password, newZone, maxPoolSize);
  }

  /** gemini-balance kept a bare SQLITE_DATABASE name under data/; a path is taken as given. */
  private static String sqlitePath(ConfigValues reader) {
    String value = reader.string("SQLITE_DATABASE");
    return value.contains("/") || value.contains("\\") ? value : "data/" + value;
  }

  private static StorageConfig mysql(ConfigValues reader, ZoneId zone) {
    String database = required(reader, "MYSQL_DATABASE", "a database name");
    String socket = reader.string("MYSQL_SOCKET");
    String url = socket != null
        ? "jdbc:mariadb://localhost/" + database + "?localSocket=" + socket
        : "jdbc:mariadb://" + required(reader, "MYSQL_HOST", "a host name")
            + ":" + reader.integer("MYSQL_PORT") + "/" + database;
    return new StorageConfig(DatabaseType.MYSQL, url, required(reader, "MYSQL_USER", "a user name"),
        password(reader, "MYSQL_PASSWORD"), zone, 10);
  }

  private static StorageConfig postgres(ConfigValues reader, ZoneId zone) {
    String url = "jdbc:postgresql://" + required(reader, "POSTGRES_HOST", "a host name")
        + ":" + reader.integer("POSTGRES_PORT") + "/" + required(reader, "POSTGRES_DATABASE", "a database name");
    return new StorageConfig(DatabaseType.POSTGRES, url, required(reader, "POSTGRES_USER", "a user name"),
        password(reader, "POSTGRES_PASSWORD"), zone, 10);
  }

  private static String required(ConfigValues reader, String name, String expected) {
    String value = reader.string(name);
    if (value == null) {
      throw new IllegalArgumentException(name + ": not set (expected: " + expected + ")");
    }
    return value;
  }

  private static String password(ConfigValues reader, String name) {
    String value = reader.string(name);
    return value == null ? "" : value;
  }

  /** Only the MariaDB driver is shipped; it needs its own scheme for MySQL servers too. */
  private static String normalise(String url) {
    return url.startsWith("jdbc:mysql:") ? "jdbc:mariadb:" + url.substring("jdbc:mysql:".length()) : url;
  }

  private static int poolSize(DatabaseType type) {
    return type == DatabaseType.SQLITE ? 4 : 10;
  }

  @Override
  public String toString() {
    return "StorageConfig[type=" + type + ", url=" + jdbcUrl.split("\\?")[0] + ", user=" + user
        + ", password=" + (password == null || password.isEmpty() ? "(none)" : "***") + ", zone=" + zone + "]";
  }
}
