package io.geminibalance.storage;

import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.TestDatabase;

/** Encryption at rest on Postgres. */
class PostgresAtRestEncryptionTest extends AtRestEncryptionContractTest {
  @Override
  TestDatabase createDatabase() throws Exception {
    return ServerTestDatabase.postgres();
  }
}
