package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageConfigTest {
  @Test
  void defaultsToSqliteUnderData() {
    StorageConfig config = StorageConfig.fromEnv(Map.of());

    assertThat(config.type()).isEqualTo(DatabaseType.SQLITE);
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:sqlite:data/default_db");
    assertThat(config.sqliteFile()).isEqualTo(Path.of("data/default_db"));
  }

  @Test
  void aBareSqliteNameLivesUnderDataAsInGeminiBalanceAndAPathIsTakenAsGiven() {
    assertThat(StorageConfig.fromEnv(Map.of("SQLITE_DATABASE", "gateway")).jdbcUrl())
        .isEqualTo("jdbc:sqlite:data/gateway");
    assertThat(StorageConfig.fromEnv(Map.of("SQLITE_DATABASE", "/var/lib/gb/db.sqlite")).jdbcUrl())
        .isEqualTo("jdbc:sqlite:/var/lib/gb/db.sqlite");
  }

  @Test
  void mysqlOverTcpOrUnixSocket() {
    Map<String, String> env = Map.of("DATABASE_TYPE", "mysql", "MYSQL_HOST", "db", "MYSQL_PORT", "3307",
        "MYSQL_USER", "gb", "MYSQL_PASSWORD", "pw", "MYSQL_DATABASE", "balance");
    StorageConfig tcp = StorageConfig.fromEnv(env);
    assertThat(tcp.jdbcUrl()).isEqualTo("jdbc:mariadb://db:3307/balance");
    assertThat(tcp.user()).isEqualTo("gb");
    assertThat(tcp.password()).isEqualTo("pw");

    StorageConfig socket = StorageConfig.fromEnv(Map.of("DATABASE_TYPE", "MySQL", "MYSQL_SOCKET", "/run/mysqld.sock",
        "MYSQL_USER", "gb", "MYSQL_DATABASE", "balance"));
    assertThat(socket.jdbcUrl()).isEqualTo("jdbc:mariadb://localhost/balance?localSocket=/run/mysqld.sock");
  }

  @Test
  void postgres() {
    StorageConfig config = StorageConfig.fromEnv(Map.of("DATABASE_TYPE", "postgres", "POSTGRES_HOST", "pg",
        "POSTGRES_USER", "gb", "POSTGRES_DATABASE", "balance"));

    assertThat(config.type()).isEqualTo(DatabaseType.POSTGRES);
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://pg:5432/balance");
  }

  @Test
  void databaseUrlOverridesEverythingElse() {
    StorageConfig config = StorageConfig.fromEnv(Map.of("DATABASE_URL", "jdbc:mysql://h/db?user=u&password=p",
        "DATABASE_TYPE", "postgres", "TZ", "Asia/Shanghai"));

    assertThat(config.type()).isEqualTo(DatabaseType.MYSQL);
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:mariadb://h/db?user=u&password=p");
    assertThat(config.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(config.toString()).doesNotContain("password=p");
  }

  @Test
  void errorsNameTheSettingAndWhatWasExpected() {
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("DATABASE_TYPE", "oracle")))
        .hasMessage("DATABASE_TYPE: 'oracle' (expected: sqlite, mysql or postgres)");
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("DATABASE_TYPE", "mysql", "MYSQL_HOST", "h",
        "MYSQL_USER", "u")))
        .hasMessage("MYSQL_DATABASE: not set (expected: a database name)");
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("DATABASE_TYPE", "postgres", "POSTGRES_HOST", "h",
        "POSTGRES_PORT", "99999", "POSTGRES_USER", "u", "POSTGRES_DATABASE", "d")))
        .hasMessage("POSTGRES_PORT: '99999' (expected: a whole number from 1 to 65535)");
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("DATABASE_URL", "jdbc:oracle:thin:@h:1521:x")))
        .hasMessageStartingWith("DATABASE_URL: 'jdbc:oracle:...' (expected: a JDBC URL starting with");
  }

  @Test
  void thePasswordNeverShowsInToString() {
    StorageConfig config = StorageConfig.fromEnv(Map.of("DATABASE_TYPE", "postgres", "POSTGRES_HOST", "h",
        "POSTGRES_USER", "u", "POSTGRES_PASSWORD", "hunter2", "POSTGRES_DATABASE", "d"));

    assertThat(config.toString()).doesNotContain("hunter2").contains("***");
  }
}
