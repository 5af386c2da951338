package io.geminibalance.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.geminibalance.storage.DatabaseType;
import io.geminibalance.storage.StorageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The connection pool for a {@link StorageConfig}. */
public final class DataSources {
  private DataSources() {}

  public static HikariDataSource pool(StorageConfig config) {
    return pool(config, false);
  }

  /** @param secureDelete SQLite: overwrite deleted content with zeros (set when secrets are encrypted) */
  public static HikariDataSource pool(StorageConfig config, boolean secureDelete) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("gb-" + config.type().name().toLowerCase(java.util.Locale.ROOT));
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.maxPoolSize());
    hikari.setMinimumIdle(1);
    // Fail a request for a connection quickly when the database is away: log writers retry anyway.
    hikari.setConnectionTimeout(Duration.ofSeconds(3).toMillis());
    hikari.setMaxLifetime(Duration.ofMinutes(30).toMillis());
    if (config.type() == DatabaseType.SQLITE) {
      prepareSqlite(config.sqliteFile(), hikari);
      if (secureDelete) {
        hikari.addDataSourceProperty("secure_delete", "true");
      }
    }
    return new HikariDataSource(hikari);
  }

  /**
   * WAL lets readers (stats, admin pages) run while the log writer writes; the busy timeout makes
   * a second writer wait for the lock instead of failing at once.
   */
  private static void prepareSqlite(Path file, HikariConfig hikari) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("SQLITE_DATABASE: cannot create the folder of '" + file + "'", e);
    }
    hikari.addDataSourceProperty("journal_mode", "WAL");
    hikari.addDataSourceProperty("synchronous", "NORMAL");
    hikari.addDataSourceProperty("busy_timeout", "10000");
    hikari.addDataSourceProperty("foreign_keys", "true");
    // Nothing reads generated keys, and with this on the driver runs SELECT last_insert_rowid()
    // after every executeUpdate of an INSERT: a second statement for each request-log chunk.
    hikari.addDataSourceProperty("jdbc.get_generated_keys", "false");
  }
}
