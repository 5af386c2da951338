package io.geminibalance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.AuditEntry;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AuditChangesTest {
  @Test
  void settingsThatAreNotSecretAppearAsTheyAreAndLongValuesAreCut() {
    assertThat(AuditChanges.of("MAX_RETRIES", "3", "1")).isEqualTo(new AuditEntry.Change("MAX_RETRIES", "3", "1"));
    assertThat(AuditChanges.of("TEST_MODEL", null, "m")).isEqualTo(new AuditEntry.Change("TEST_MODEL", "(unset)", "m"));
    assertThat(AuditChanges.of("TEST_MODEL", "m", "m").newValue()).isEqualTo("(unchanged)");
    String longValue = "x".repeat(1000);
    assertThat(AuditChanges.of("TEST_MODEL", null, longValue).newValue())
        .hasSize(AuditChanges.MAX_VALUE_CHARS + "... (cut)".length());
  }

  @Test
  void unchangedComparesValuesInForceNotWhatTheRowShows() {
    assertThat(AuditChanges.unchanged("MAX_RETRIES", "3", " 3 ")).isTrue();
    assertThat(AuditChanges.unchanged("MAX_RETRIES", "3", "1")).isFalse();
    assertThat(AuditChanges.unchanged("TEST_MODEL", "m", "(unchanged)")).as("a value that reads like the marker")
        .isFalse();
    assertThat(AuditChanges.unchanged("TEST_MODEL", null, "")).isTrue();
    assertThat(AuditChanges.unchanged("AUTH_TOKEN", "first-token-abcd", "first-token-abcd")).isTrue();
    assertThat(AuditChanges.unchanged("AUTH_TOKEN", "first-token-abcd", "other-token-abcd")).isFalse();
    assertThat(AuditChanges.unchanged("ALLOWED_TOKENS", "[\"token-one-1111\",\"token-two-2222\"]",
        "token-two-2222, token-one-1111")).as("the same tokens, another form").isTrue();
    assertThat(AuditChanges.unchanged("ALLOWED_TOKENS", "token-one-1111", "token-one-1111,token-two-2222")).isFalse();
    assertThat(AuditChanges.unchanged("CUSTOM_HEADERS", "{\"x\":\"1\"}", "{\"x\":\"2\"}")).isFalse();
  }

  @Test
  void aSecretShowsItsLastFourOnlyWhenLongEnough() {
    assertThat(AuditChanges.of("AUTH_TOKEN", "old-admin-token-aaaa", "new-admin-token-bbbb"))
        .isEqualTo(new AuditEntry.Change("AUTH_TOKEN", "...aaaa", "...bbbb"));
    assertThat(AuditChanges.of("AUTH_TOKEN", "short-1", "")).isEqualTo(new AuditEntry.Change("AUTH_TOKEN", "(hidden)", "(unset)"));
    assertThat(AuditChanges.of("AUTH_TOKEN", "first-token-abcd", "other-token-abcd").newValue()).isEqualTo("changed");
    assertThat(AuditChanges.of("AUTH_TOKEN", "first-token-abcd", "first-token-abcd").newValue()).isEqualTo("(unchanged)");
  }

  @Test
  void unknownNamesAreTreatedAsSecrets() {
    assertThat(AuditChanges.of("SOMETHING_NEW", "value-that-may-be-secret", null).oldValue()).isEqualTo("...cret");
  }

  @Test
  void listsOfSecretsShowCountsAndWhatWasAddedAndRemoved() {
    assertThat(AuditChanges.of("ALLOWED_TOKENS", "[\"token-one-1111\",\"token-two-2222\"]", "token-two-2222,token-three-3333"))
        .isEqualTo(new AuditEntry.Change("ALLOWED_TOKENS", "2 items", "2 items; added ...3333; removed ...1111"));
    List<String> many = IntStream.range(0, 25).mapToObj(i -> "AIzaSyKey" + "0".repeat(26) + String.format("%04d", i)).toList();
    AuditEntry.Change change = AuditChanges.list("API_KEYS", List.of(), many);
    assertThat(change.oldValue()).isEqualTo("0 items");
    assertThat(change.newValue()).startsWith("25 items; added ...0000, ...0001").endsWith("...0009 and 15 more");
    many.forEach(key -> assertThat(change.newValue()).doesNotContain(key));
  }

  @Test
  void objectsShowTheirNamesOnly() {
    assertThat(AuditChanges.of("CUSTOM_HEADERS", "{}", "{\"x-a\":\"secret-value-1\",\"x-b\":\"v\"}"))
        .isEqualTo(new AuditEntry.Change("CUSTOM_HEADERS", "{}", "{x-a, x-b} (values hidden)"));
    assertThat(AuditChanges.of("CUSTOM_HEADERS", "{not json", null).oldValue()).isEqualTo("(set)");
  }
}
