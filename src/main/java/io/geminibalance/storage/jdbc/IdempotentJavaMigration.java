package io.geminibalance.storage.jdbc;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A migration written in Java because it must be idempotent on every engine: it runs again when
 * our history table is lost, on a database that may already hold some of its changes. It has no
 * checksum (there is no script to compare) and runs in the transaction Flyway opens.
 */
abstract class IdempotentJavaMigration implements JavaMigration {
  private final MigrationVersion version;
  private final String description;

  IdempotentJavaMigration(String version, String description) {
    this.version = MigrationVersion.fromVersion(version);
    this.description = description;
  }

  @Override
  public final MigrationVersion getVersion() {
    return version;
  }

  @Override
  public final String getDescription() {
    return description;
  }

  @Override
  public final Integer getChecksum() {
    return null;
  }

  @Override
  public final boolean canExecuteInTransaction() {
    return true;
  }
}
