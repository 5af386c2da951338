package io.geminibalance.storage;

import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.TestDatabase;

/** An existing gemini-balance MySQL database, on the real MariaDB server. */
class MariaDbLegacySchemaTest extends LegacySchemaContractTest {
  @Override
  TestDatabase createDatabase() {
    return ServerTestDatabase.mariadb();
  }

  @Override
  String fixture() {
    return "/fixtures/gemini-balance-mysql.sql";
  }
}
