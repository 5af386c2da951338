package io.geminibalance.storage;

import java.util.Locale;

/** The database engines the gateway can store its state in. */
public enum DatabaseType {
  SQLITE("sqlite"),
  /** MySQL and MariaDB; both are reached through the MariaDB JDBC driver. */
  MYSQL("mysql"),
  POSTGRES("postgresql");

  private final String migrationFolder;

  DatabaseType(String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  /** Classpath location of this engine's Flyway migrations. */
  public String migrationLocation() {
    return "classpath:db/migration/" + migrationFolder;
  }

  /** Parses a DATABASE_TYPE value; error messages name the setting and the accepted values. */
  public static DatabaseType parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "sqlite" -> SQLITE;
      case "mysql", "mariadb" -> MYSQL;
      case "postgres", "postgresql" -> POSTGRES;
      default -> throw new IllegalArgumentException(
          "DATABASE_TYPE: '" + value + "' (expected: sqlite, mysql or postgres)");
    };
  }

  /** Infers the engine from a JDBC URL given in DATABASE_URL. */
  public static DatabaseType fromJdbcUrl(String url) {
    if (url.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
      return MYSQL;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return POSTGRES;
    }
    throw new IllegalArgumentException("DATABASE_URL: '" + schemeOf(url)
        + "' (expected: a JDBC URL starting with jdbc:sqlite:, jdbc:mysql:, jdbc:mariadb: or jdbc:postgresql:)");
  }

  /** Only the scheme is echoed back: the rest of a URL may carry a password. */
  private static String schemeOf(String url) {
    int colon = url.indexOf(':', url.indexOf(':') + 1);
    return colon < 0 ? url : url.substring(0, colon + 1) + "...";
  }
}
