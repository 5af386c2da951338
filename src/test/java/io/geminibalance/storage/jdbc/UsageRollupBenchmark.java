package io.geminibalance.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.DatabaseType;
import io.geminibalance.storage.Storage;
import io.geminibalance.storage.StorageConfig;
import io.geminibalance.storage.TimeBucket;
import io.geminibalance.storage.UsageDimension;
import io.geminibalance.storage.UsageQuery;
import io.geminibalance.storage.UsageRow;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.SqliteTestDatabase;
import io.geminibalance.storage.support.TestDatabase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a check: seeds {@code bench.rows} request-log rows (10,000,000 by default)
 * over 32 days (20 client tokens and 5 models, both skewed as real traffic is, 200 keys in turn,
 * one row in 50 failed), builds the usage roll-ups with {@link UsageBackfill}, then times the
 * 30-day chart queries of /api/usage's store. Kept out of the normal test run by its name and by
 * the property; run it through {@code bench/usage-rollup.sh}, which writes the figures to
 * {@code bench.out}.
 */
@EnabledIfSystemProperty(named = "bench.usage", matches = "true")
class UsageRollupBenchmark {
  private static final long ROWS = Long.getLong("bench.rows", 10_000_000L);
  private static final int RUNS = Integer.getInteger("bench.runs", 9);
  private static final List<String> ENGINES = List.of(System.getProperty("bench.engines", "sqlite,postgres").split(","));
  private static final long SPAN_SECONDS = Duration.ofDays(32).toSeconds();
  private static final String[] MODELS = {"gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite",
      "gemini-2.0-flash", "gemini-2.5-flash-image"};

  private final List<String> report = new ArrayList<>();

  @Test
  void measure() throws Exception {
    report.add("| engine | query | median ms | max ms | rows returned |");
    report.add("|---|---|---:|---:|---:|");
    List<String> notes = new ArrayList<>();
    for (String engine : ENGINES) {
      switch (engine.trim()) {
        case "sqlite" -> notes.add("- " + run("SQLite", DatabaseType.SQLITE));
        case "postgres" -> notes.add("- " + run("PostgreSQL", DatabaseType.POSTGRES));
        case "mariadb" -> notes.add("- " + run("MariaDB", DatabaseType.MYSQL));
        default -> throw new IllegalArgumentException("bench.engines: " + engine);
      }
    }
    List<String> lines = new ArrayList<>(notes);
    if (PHASE != Phase.SEED) {
      lines.add("");
      lines.addAll(report);
    }
    String out = System.getProperty("bench.out");
    if (out != null) {
      Files.writeString(Path.of(out), String.join("\n", lines) + "\n");
    }
    System.out.println(String.join("\n", lines));
    assertThat(notes).isNotEmpty();
  }

  /**
   * all: a throw-away database seeded, built and read in one go. seed: seeded and built into a kept
   * database (the SQLite file under {@link #KEPT}, or the PostgreSQL or MariaDB database
   * gb_bench_usage), its state written under {@link #KEPT}; read: the reads timed on that kept
   * database, so that the long seeding can share the machine with other work and the timings are
   * taken when it is quiet.
   */
  private enum Phase { ALL, SEED, READ }

  private static final Phase PHASE = Phase.valueOf(System.getProperty("bench.phase", "all").toUpperCase(Locale.ROOT));
  private static final Path KEPT = Path.of(System.getProperty("bench.kept", System.getProperty("java.io.tmpdir")))
      .resolve("gb-usage-bench");

  private String run(String name, DatabaseType type) throws Exception {
    if (PHASE == Phase.ALL) {
      try (TestDatabase database = switch (type) {
        case SQLITE -> new SqliteTestDatabase();
        case POSTGRES -> ServerTestDatabase.postgres();
        case MYSQL -> ServerTestDatabase.mariadb();
      }) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return seed(name, database, type, now) + "; " + read(name, database, type, now);
      }
    }
    KeptDatabase database = KeptDatabase.of(type);
    Path state = KEPT.resolve(type.name().toLowerCase(Locale.ROOT) + ".properties");
    Properties properties = new Properties();
    if (PHASE == Phase.SEED) {
      database.recreate();
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      String note = seed(name, database, type, now);
      properties.setProperty("now", Long.toString(now.getEpochSecond()));
      properties.setProperty("note", note);
      try (var writer = Files.newBufferedWriter(state)) {
        properties.store(writer, "UsageRollupBenchmark seed");
      }
      return note;
    }
    try (var reader = Files.newBufferedReader(state)) {
      properties.load(reader);
    }
    Instant now = Instant.ofEpochSecond(Long.parseLong(properties.getProperty("now")));
    reindex(database, type);
    return properties.getProperty("note") + "; " + read(name, database, type, now);
  }

  /**
   * A database seeded by an earlier build gets this build's roll-up indexes (the migration that
   * makes them ran when it was seeded): a former partial index of one client's rows is dropped.
   */
  private static void reindex(TestDatabase database, DatabaseType type) throws SQLException {
    try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
      for (TimeBucket granularity : TimeBucket.values()) {
        String table = UsageRollups.table(granularity);
        if (type != DatabaseType.MYSQL) {
          statement.execute("DROP INDEX IF EXISTS ix_" + table + "_client");
        }
        UsageTablesMigration.createIfMissing(connection, SqlDialect.of(type), table);
      }
      if (type == DatabaseType.POSTGRES) {
        statement.execute("VACUUM ANALYZE"); // as after the seeding: what autovacuum does
      }
    }
  }

  /** Seeds the request log and builds the roll-ups; returns what it took. */
  private static String seed(String name, TestDatabase database, DatabaseType type, Instant now) throws SQLException {
    StorageConfig config = database.config().withZone(ZoneOffset.UTC);
    try (Storage storage = Storage.open(config)) {
      long started = System.nanoTime();
      try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
        statement.execute(seedSql(type, now.getEpochSecond() - SPAN_SECONDS));
      }
      long seeded = System.nanoTime();
      long read;
      try (Connection connection = database.connect()) {
        connection.setAutoCommit(false);
        read = UsageBackfill.run(connection, SqlDialect.of(type), new JdbcValues(ZoneOffset.UTC), now,
            UsageBackfill.DEFAULT_CHUNK);
        connection.commit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          switch (type) {
            // What autovacuum does in a running database: the backfill's updates leave dead row versions.
            case POSTGRES -> statement.execute("VACUUM ANALYZE");
            // What InnoDB's background statistics update does after the backfill's writes, done now so
            // that the reads do not race it.
            case MYSQL -> statement.execute("ANALYZE TABLE gb_usage_minute, gb_usage_hour, gb_usage_day");
            case SQLITE -> { }
          }
        }
      }
      long backfilled = System.nanoTime();
      return String.format("%s: seeded %,d t_request_log rows in %.0f s; backfill read %,d rows in %.0f s; %s",
          name, ROWS, (seeded - started) / 1e9, read, (backfilled - seeded) / 1e9, rollupCounts(database));
    }
  }

  /** Times every read of a 30-day view; returns the load average it ran under. */
  private String read(String name, TestDatabase database, DatabaseType type, Instant now) throws SQLException {
    StorageConfig config = database.config().withZone(ZoneOffset.UTC);
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    try (Storage storage = Storage.open(config)) {
      if (Boolean.getBoolean("bench.plans")) {
        printPlan(database, type, new UsageQuery(TimeBucket.HOUR, now.minus(Duration.ofDays(30)), now, null, null, null,
            chart()));
      }
      Instant from = now.minus(Duration.ofDays(30));
      time(storage, name, "day, 30 d, unfiltered", new UsageQuery(TimeBucket.DAY, from, now, null, null, null, chart()));
      time(storage, name, "hour, 30 d, unfiltered", new UsageQuery(TimeBucket.HOUR, from, now, null, null, null, chart()));
      time(storage, name, "day, 30 d, token", new UsageQuery(TimeBucket.DAY, from, now, "tk_bench3", null, null, chart()));
      time(storage, name, "hour, 30 d, token", new UsageQuery(TimeBucket.HOUR, from, now, "tk_bench3", null, null, chart()));
      time(storage, name, "day, 30 d, model", new UsageQuery(TimeBucket.DAY, from, now, null, MODELS[1], null, chart()));
      time(storage, name, "hour, 30 d, model", new UsageQuery(TimeBucket.HOUR, from, now, null, MODELS[1], null, chart()));
      // /api/usage's other reads for the same view: totals (by model), by token and by key, each filter.
      String key = anyKey(database);
      String[][] filters = {{null, null, null}, {"tk_bench3", null, null}, {null, MODELS[1], null}, {null, null, key}};
      String[] filterNames = {"unfiltered", "token", "model", "key"};
      for (TimeBucket granularity : List.of(TimeBucket.DAY, TimeBucket.HOUR)) {
        for (int f = 0; f < filters.length; f++) {
          for (UsageDimension breakdown : List.of(UsageDimension.MODEL, UsageDimension.CLIENT, UsageDimension.KEY)) {
            time(storage, name, granularity.name().toLowerCase(Locale.ROOT) + ", 30 d, by "
                + breakdown.name().toLowerCase(Locale.ROOT) + ", " + filterNames[f],
                new UsageQuery(granularity, from, now, filters[f][0], filters[f][1], filters[f][2],
                    java.util.EnumSet.of(breakdown, UsageDimension.MODEL)));
          }
        }
      }
      time(storage, name, "hour, 30 d, series by key", new UsageQuery(TimeBucket.HOUR, from, now, null, null, key,
          chart()));
      double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return String.format("reads timed at load average %.1f to %.1f", loadBefore, loadAfter);
    }
  }

  /** A database kept between the seed and read phases (not dropped on close). */
  private record KeptDatabase(DatabaseType type, StorageConfig config) implements TestDatabase {
    /** The same name on both servers; another (bench.db) keeps a second run's database apart. */
    private static final String NAME = System.getProperty("bench.db", "gb_bench_usage");
    private static final String MARIADB_SERVER = "jdbc:mariadb://127.0.0.1:3306/";

    static KeptDatabase of(DatabaseType type) throws IOException {
      Files.createDirectories(KEPT.resolve("sqlite"));
      return switch (type) {
        case SQLITE -> new KeptDatabase(type, StorageConfig.sqlite(KEPT.resolve("sqlite").resolve("default_db")));
        case POSTGRES -> new KeptDatabase(type, new StorageConfig(type, "jdbc:postgresql://127.0.0.1:5432/"
            + NAME, "postgres", "", ZoneOffset.UTC, 4));
        case MYSQL -> new KeptDatabase(type, new StorageConfig(type, MARIADB_SERVER + NAME, "root", "",
            ZoneOffset.UTC, 4));
      };
    }

    /** Starts from an empty database. */
    void recreate() throws SQLException, IOException {
      switch (type) {
        case SQLITE -> {
          for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(config.sqliteFile() + suffix));
          }
        }
        case POSTGRES -> {
          try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres",
              ""); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + NAME);
          }
        }
        case MYSQL -> {
          try (Connection connection = DriverManager.getConnection(MARIADB_SERVER, "root", "");
              Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + NAME);
            statement.execute("CREATE DATABASE " + NAME);
          }
        }
      }
    }

    @Override
    public String renameTable(String from, String to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  private static void printPlan(TestDatabase database, DatabaseType type, UsageQuery query) throws SQLException {
    List<Object> parameters = new ArrayList<>();
    String sql = JdbcUsageStore.sql(query, parameters);
    String explain = (type == DatabaseType.SQLITE ? "EXPLAIN QUERY PLAN " : "EXPLAIN ANALYZE ") + sql;
    try (Connection connection = database.connect();
        java.sql.PreparedStatement statement = connection.prepareStatement(explain)) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      try (java.sql.ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          StringBuilder line = new StringBuilder("PLAN ");
          for (int c = 1; c <= rows.getMetaData().getColumnCount(); c++) {
            line.append(rows.getString(c)).append(' ');
          }
          System.out.println(line);
        }
      }
    }
  }

  private static Set<UsageDimension> chart() {
    return Set.of(UsageDimension.BUCKET, UsageDimension.MODEL);
  }

  private void time(Storage storage, String engine, String label, UsageQuery query) {
    List<Double> millis = new ArrayList<>();
    int rows = 0;
    for (int run = 0; run < RUNS; run++) {
      long started = System.nanoTime();
      List<UsageRow> result = storage.usage().query(query).join();
      millis.add((System.nanoTime() - started) / 1e6);
      rows = result.size();
    }
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    report.add(String.format("| %s | %s | %.1f | %.1f | %d |", engine, label, sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() - 1), rows));
  }

  private static String anyKey(TestDatabase database) throws SQLException {
    try (java.sql.Connection connection = database.connect(); Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery(
            "SELECT MIN(key_fp) FROM gb_usage_day WHERE key_fp <> '" + UsageRollups.ALL + "'")) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static String rollupCounts(TestDatabase database) throws SQLException {
    StringBuilder counts = new StringBuilder("roll-up rows:");
    for (TimeBucket granularity : TimeBucket.values()) {
      String table = UsageRollups.table(granularity);
      counts.append(String.format(" %s %,d (%,d of them summed over all keys)", table,
          database.count("SELECT COUNT(*) FROM " + table),
          database.count("SELECT COUNT(*) FROM " + table + " WHERE key_fp = '*'")));
    }
    return counts.toString();
  }

  private static final String COLUMNS = "request_time, model_name, api_key, is_success, status_code, latency_ms,"
      + " gb_key_fingerprint, gb_key_last4, gb_prompt_tokens, gb_completion_tokens, gb_stream, gb_attempt,"
      + " gb_client_fingerprint, gb_client_masked, gb_cached_tokens, gb_thinking_tokens, gb_abandoned";

  /**
   * One INSERT ... SELECT over generated numbers: client {@code c} skewed towards the first tokens
   * (random squared), model {@code m} towards the first models, key {@code k} in turn.
   */
  private static String seedSql(DatabaseType type, long startSecond) {
    double step = (double) SPAN_SECONDS / ROWS;
    return switch (type) {
      case POSTGRES -> "INSERT INTO t_request_log (" + COLUMNS + ") SELECT"
          + " to_timestamp(" + startSecond + " + g * " + step + ") AT TIME ZONE 'UTC',"
          + " (ARRAY['" + String.join("','", MODELS) + "'])[m], '...' || lpad(k::text, 4, '0'), g % 50 <> 0,"
          + " CASE WHEN g % 50 = 0 THEN 429 ELSE 200 END, 800, 'benchkey' || lpad(k::text, 24, '0'),"
          + " lpad(k::text, 4, '0'), 500 + g % 3000, 100 + g % 900 + CASE WHEN m = 2 THEN 300 ELSE 0 END, false, 1,"
          + " 'tk_bench' || c, '...' || lpad(c::text, 4, '0'), CASE WHEN g % 4 = 0 THEN 200 ELSE 0 END,"
          + " CASE WHEN m = 2 THEN 300 ELSE 0 END, g % 97 = 0"
          + " FROM (SELECT g, g % 200 AS k, floor(power(random(), 2) * 20)::int AS c,"
          + " floor(power(random(), 2) * 5)::int + 1 AS m FROM generate_series(1, " + ROWS + ") g) s";
      case SQLITE -> "WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < " + ROWS + "),"
          + " r AS (SELECT g, (abs(random()) % 1000000) / 1000000.0 AS r1, (abs(random()) % 1000000) / 1000000.0 AS r2"
          + " FROM n), s AS (SELECT g, g % 200 AS k, CAST(r1 * r1 * 20 AS INTEGER) AS c,"
          + " CAST(r2 * r2 * 5 AS INTEGER) AS m0 FROM r)"
          + " INSERT INTO t_request_log (" + COLUMNS + ") SELECT"
          + " strftime('%Y-%m-%d %H:%M:%S', " + startSecond + " + g * " + step + ", 'unixepoch') || '.000000',"
          + " CASE m0 " + sqliteModels() + " END, '...' || substr('0000' || k, -4), g % 50 <> 0,"
          + " CASE WHEN g % 50 = 0 THEN 429 ELSE 200 END, 800, 'benchkey' || substr('000000000000000000000000' || k, -24),"
          + " substr('0000' || k, -4), 500 + g % 3000, 100 + g % 900 + CASE WHEN m0 = 1 THEN 300 ELSE 0 END, 0, 1,"
          + " 'tk_bench' || c, '...' || substr('0000' || c, -4), CASE WHEN g % 4 = 0 THEN 200 ELSE 0 END,"
          + " CASE WHEN m0 = 1 THEN 300 ELSE 0 END, g % 97 = 0 FROM s";
      // MariaDB's SEQUENCE engine gives seq_1_to_<n>. The derived table is kept apart (not merged into
      // the SELECT), so that c and m are drawn once per row and every use of them sees the same value.
      // The column is a naive DATETIME in UTC (the zone the bench opens the storage with), whole seconds.
      case MYSQL -> "SET STATEMENT optimizer_switch = 'derived_merge=off' FOR"
          + " INSERT INTO t_request_log (" + COLUMNS + ") SELECT"
          + " TIMESTAMPADD(SECOND, FLOOR(" + startSecond + " + g * " + step + "), '1970-01-01 00:00:00'),"
          + " ELT(m, '" + String.join("', '", MODELS) + "'), CONCAT('...', LPAD(k, 4, '0')), g % 50 <> 0,"
          + " CASE WHEN g % 50 = 0 THEN 429 ELSE 200 END, 800, CONCAT('benchkey', LPAD(k, 24, '0')),"
          + " LPAD(k, 4, '0'), 500 + g % 3000, 100 + g % 900 + CASE WHEN m = 2 THEN 300 ELSE 0 END, 0, 1,"
          + " CONCAT('tk_bench', c), CONCAT('...', LPAD(c, 4, '0')), CASE WHEN g % 4 = 0 THEN 200 ELSE 0 END,"
          + " CASE WHEN m = 2 THEN 300 ELSE 0 END, g % 97 = 0"
          + " FROM (SELECT seq AS g, seq % 200 AS k, FLOOR(POW(RAND(), 2) * 20) AS c,"
          + " FLOOR(POW(RAND(), 2) * 5) + 1 AS m FROM seq_1_to_" + ROWS + ") s";
    };
  }

  private static String sqliteModels() {
    StringBuilder cases = new StringBuilder();
    for (int i = 0; i < MODELS.length; i++) {
      cases.append("WHEN ").append(i).append(" THEN '").append(MODELS[i]).append("' ");
    }
    return cases.toString();
  }
}
