package io.geminibalance.storage.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.geminibalance.storage.ResourceRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * gemini-balance's columns of a {@code t_file_records} row for a file the gateway recorded, filled
 * as gemini-balance filled them, from the record and Google's File JSON in its metadata
 * ({@code displayName}, {@code mimeType}, {@code sizeBytes}, {@code sha256Hash}, {@code state},
 * {@code createTime}, {@code updateTime}, {@code expirationTime}, {@code uri}). Written so that its
 * admin pages and a move back keep working; the record itself is read back from our gb_ columns.
 * The key and the owner appear masked ({@code ...} and the last 4 characters), never whole.
 *
 * @param uploadCompleted when the gateway recorded the file: it does so once Google finalized the upload
 */
record FileRecordColumns(
    String displayName,
    String mimeType,
    long sizeBytes,
    String sha256Hash,
    String state,
    Instant createTime,
    Instant updateTime,
    Instant expirationTime,
    String uri,
    String apiKey,
    String userToken,
    Instant uploadCompleted) {

  /** gemini-balance's expiry when Google names none; Google keeps uploaded files 48 hours. */
  static final Duration DEFAULT_LIFETIME = Duration.ofHours(48);
  /** The values {@code state} admits (an ENUM on MySQL, a CHECK on PostgreSQL). */
  private static final Set<String> STATES = Set.of("PROCESSING", "ACTIVE", "FAILED");
  private static final ObjectMapper JSON = new ObjectMapper();

  static FileRecordColumns of(ResourceRecord record) {
    JsonNode file = parse(record.metadata());
    Instant recorded = Instant.ofEpochMilli(record.createdMillis());
    Instant created = time(file, "createTime", recorded);
    Instant expires = time(file, "expirationTime", record.expiresMillis() > 0
        ? Instant.ofEpochMilli(record.expiresMillis()) : recorded.plus(DEFAULT_LIFETIME));
    return new FileRecordColumns(
        JdbcValues.truncate(text(file, "displayName", null), 255),
        JdbcValues.truncate(text(file, "mimeType", ""), 100),
        file.path("sizeBytes").asLong(0), // int64 is a JSON string in Google's answers
        JdbcValues.truncate(text(file, "sha256Hash", null), 255),
        state(record.state(), text(file, "state", null)),
        created,
        time(file, "updateTime", created),
        expires,
        JdbcValues.truncate(text(file, "uri", ""), 500),
        masked(record.keyLast4()),
        masked(record.owner()),
        recorded);
  }

  /** The first of the record's and Google's state that the column admits; PROCESSING otherwise. */
  private static String state(String recordState, String googleState) {
    if (recordState != null && STATES.contains(recordState)) {
      return recordState;
    }
    return googleState != null && STATES.contains(googleState) ? googleState : "PROCESSING";
  }

  /** {@code ...} and the last 4 characters, the form of every masked key and token in these tables. */
  static String masked(String value) {
    return "..." + value.substring(Math.max(0, value.length() - 4));
  }

  /** A metadata that is not a JSON object gives every column its default. */
  private static JsonNode parse(String metadata) {
    if (metadata == null || metadata.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode node = JSON.readTree(metadata);
      return node != null && node.isObject() ? node : MissingNode.getInstance();
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  private static String text(JsonNode file, String field, String absent) {
    JsonNode value = file.path(field);
    return value.isValueNode() && !value.isNull() ? value.asText() : absent;
  }

  /** An RFC 3339 time of Google's ({@code 2026-11-20T10:15:00.123456Z}), or {@code absent}. */
  private static Instant time(JsonNode file, String field, Instant absent) {
    String text = text(file, field, null);
    if (text == null) {
      return absent;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return absent;
    }
  }
}
