package io.geminibalance.storage;

import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.TestDatabase;

/** The storage contract on a real MariaDB server (stands for MySQL too). */
class MariaDbStorageTest extends StorageContractTest {
  @Override
  TestDatabase createDatabase() {
    return ServerTestDatabase.mariadb();
  }
}
