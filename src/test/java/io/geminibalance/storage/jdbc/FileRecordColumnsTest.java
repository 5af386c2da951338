package io.geminibalance.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.protocol.gemini.ResourceKind;
import io.geminibalance.storage.ResourceRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FileRecordColumnsTest {
  private static final Instant RECORDED = Instant.parse("2026-11-20T10:15:00.250Z");

  private static ResourceRecord file(String state, long expiresMillis, String metadata) {
    return new ResourceRecord("files/f1", ResourceKind.FILE, ResourceRecord.GEMINI_POOL, "0123456789abcdef", "wxyz",
        "c_abcdefghijklmnopqrst", RECORDED.toEpochMilli(), expiresMillis, state, metadata);
  }

  @Test
  void googlesFileJsonFillsTheColumnsAndKeyAndOwnerAreMasked() {
    FileRecordColumns columns = FileRecordColumns.of(file(null, 0, """
        {"displayName":"a.pdf","mimeType":"application/pdf","sizeBytes":"5000000000","state":"ACTIVE",
         "createTime":"2026-11-20T10:15:00.123456Z","updateTime":"2026-11-20T12:15:00+02:00",
         "expirationTime":"2026-11-22T10:15:00Z","uri":"https://example.test/v1beta/files/f1"}"""));

    assertThat(columns.displayName()).isEqualTo("a.pdf");
    assertThat(columns.mimeType()).isEqualTo("application/pdf");
    assertThat(columns.sizeBytes()).as("int64 as a JSON string").isEqualTo(5_000_000_000L);
    assertThat(columns.state()).as("Google's state when the record has none").isEqualTo("ACTIVE");
    assertThat(columns.createTime()).isEqualTo(Instant.parse("2026-11-20T10:15:00.123456Z"));
    assertThat(columns.updateTime()).isEqualTo(Instant.parse("2026-11-20T10:15:00Z"));
    assertThat(columns.expirationTime()).isEqualTo(Instant.parse("2026-11-22T10:15:00Z"));
    assertThat(columns.uploadCompleted()).isEqualTo(RECORDED);
    assertThat(columns.apiKey()).isEqualTo("...wxyz");
    assertThat(columns.userToken()).isEqualTo("...qrst");
  }

  @Test
  void withoutUsableJsonEveryNotNullColumnStillGetsAValue() {
    for (String metadata : new String[] {null, "", "not json", "[1,2]", "{\"createTime\":\"yesterday\"}"}) {
      FileRecordColumns columns = FileRecordColumns.of(file("STATE_UNSPECIFIED", 0, metadata));

      assertThat(columns.state()).as(metadata).isEqualTo("PROCESSING");
      assertThat(columns.mimeType()).isEmpty();
      assertThat(columns.uri()).isEmpty();
      assertThat(columns.sizeBytes()).isZero();
      assertThat(columns.createTime()).isEqualTo(RECORDED);
      assertThat(columns.updateTime()).isEqualTo(RECORDED);
      assertThat(columns.expirationTime()).isEqualTo(RECORDED.plus(FileRecordColumns.DEFAULT_LIFETIME));
    }
  }

  @Test
  void theRecordsOwnStateAndExpiryComeBeforeTheDefaults() {
    FileRecordColumns columns = FileRecordColumns.of(file("FAILED", RECORDED.toEpochMilli() + 1000,
        "{\"state\":\"ACTIVE\"}"));

    assertThat(columns.state()).isEqualTo("FAILED");
    assertThat(columns.expirationTime()).isEqualTo(RECORDED.plusSeconds(1));
  }

  @Test
  void aValueShorterThanFourCharactersIsMaskedWhole() {
    assertThat(FileRecordColumns.masked("ab")).isEqualTo("...ab");
    assertThat(FileRecordColumns.masked("")).isEqualTo("...");
  }
}
