package io.geminibalance.storage;

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

  private static final String DEFAULT_SQLITE = "data/default_db";

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

  public static StorageConfig fromEnv(Map<String, String> env) {
    EnvReader reader = new EnvReader(env);
    ZoneId zone = reader.zone("TZ");
    String url = reader.optional("DATABASE_URL");
    if (url != null) {
      DatabaseType type = DatabaseType.fromJdbcUrl(url);
      return new StorageConfig(type, normalise(url), null, null, zone, poolSize(type));
    }
    DatabaseType type = DatabaseType.parse(reader.orDefault("DATABASE_TYPE", "sqlite"));
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
  private static String sqlitePath(EnvReader reader) {
    String value = reader.orDefault("SQLITE_DATABASE", DEFAULT_SQLITE);
    return value.contains("/") || value.contains("\\") ? value : "data/" + value;
  }

  private static StorageConfig mysql(EnvReader reader, ZoneId zone) {
    String database = reader.required("MYSQL_DATABASE", "a database name");
    String socket = reader.optional("MYSQL_SOCKET");
    String url = socket != null
        ? "jdbc:mariadb://localhost/" + database + "?localSocket=" + socket
        : "jdbc:mariadb://" + reader.required("MYSQL_HOST", "a host name")
            + ":" + reader.port("MYSQL_PORT", 3306) + "/" + database;
    return new StorageConfig(DatabaseType.MYSQL, url, reader.required("MYSQL_USER", "a user name"),
        reader.orDefault("MYSQL_PASSWORD", ""), zone, 10);
  }

  private static StorageConfig postgres(EnvReader reader, ZoneId zone) {
    String url = "jdbc:postgresql://" + reader.required("POSTGRES_HOST", "a host name")
        + ":" + reader.port("POSTGRES_PORT", 5432) + "/" + reader.required("POSTGRES_DATABASE", "a database name");
    return new StorageConfig(DatabaseType.POSTGRES, url, reader.required("POSTGRES_USER", "a user name"),
        reader.orDefault("POSTGRES_PASSWORD", ""), zone, 10);
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
