package io.geminibalance.storage;

import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.TestDatabase;

/** The storage contract on a real PostgreSQL server. */
class PostgresStorageTest extends StorageContractTest {
  @Override
  TestDatabase createDatabase() {
    return ServerTestDatabase.postgres();
  }
}
