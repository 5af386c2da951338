package io.geminibalance.storage.support;

import io.geminibalance.storage.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A SQLite file in a fresh temporary folder (the folder below it is created by the gateway). */
public final class SqliteTestDatabase implements TestDatabase {
  private final Path folder;
  private final StorageConfig config;

  public SqliteTestDatabase() throws IOException {
    this.folder = Files.createTempDirectory("gb-sqlite-test");
    this.config = StorageConfig.sqlite(folder.resolve("data").resolve("default_db"));
  }

  @Override
  public StorageConfig config() {
    return config;
  }

  /** The gateway creates the folder itself; a fixture written before it starts needs it too. */
  @Override
  public Connection connect() throws SQLException {
    try {
      Files.createDirectories(config.sqliteFile().getParent());
    } catch (IOException e) {
      throw new SQLException("cannot create " + config.sqliteFile().getParent(), e);
    }
    return TestDatabase.super.connect();
  }

  @Override
  public String renameTable(String from, String to) {
    return "ALTER TABLE " + from + " RENAME TO " + to;
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder left behind is harmless
    }
  }
}
