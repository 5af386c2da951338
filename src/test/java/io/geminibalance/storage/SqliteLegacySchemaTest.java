package io.geminibalance.storage;

import io.geminibalance.storage.support.SqliteTestDatabase;
import io.geminibalance.storage.support.TestDatabase;

/** An existing gemini-balance SQLite file (data/default_db). */
class SqliteLegacySchemaTest extends LegacySchemaContractTest {
  @Override
  TestDatabase createDatabase() throws Exception {
    return new SqliteTestDatabase();
  }

  @Override
  String fixture() {
    return "/fixtures/gemini-balance-sqlite.sql";
  }
}
