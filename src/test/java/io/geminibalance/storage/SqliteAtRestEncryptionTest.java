package io.geminibalance.storage;

import io.geminibalance.storage.support.SqliteTestDatabase;
import io.geminibalance.storage.support.TestDatabase;

/** Encryption at rest on Sqlite. */
class SqliteAtRestEncryptionTest extends AtRestEncryptionContractTest {
  @Override
  TestDatabase createDatabase() throws Exception {
    return new SqliteTestDatabase();
  }
}
