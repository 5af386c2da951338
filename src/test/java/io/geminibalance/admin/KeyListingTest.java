package io.geminibalance.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyDetail;
import io.geminibalance.keypool.QuotaSnapshot.CellState;
import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import io.geminibalance.keypool.QuotaSnapshot.LimitSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyListingTest {
  static KeyDetail key(String secret, boolean disabled, int failures, long lastErrorAt, KeyModelRow... rows) {
    return new KeyDetail(new ApiKey(secret), disabled, disabled ? "dead" : "", failures,
        lastErrorAt == 0 ? null : "m: x", lastErrorAt, List.of(rows));
  }

  static KeyModelRow row(String model, CellState state, int usedToday) {
    return new KeyModelRow("...", "fp", model, state, 0, 10, 10, usedToday, 100, 0, "",
        LimitSource.CONFIGURED, LimitSource.CONFIGURED, null);
  }

  static final List<KeyDetail> POOL = List.of(
      key("AIzaFirst-key-000000000001", false, 0, 0, row("flash", CellState.USABLE, 5), row("pro", CellState.COOLING, 1)),
      key("AIzaSecond-key-00000000002", false, 2, 300, row("flash", CellState.PARKED, 9), row("pro", CellState.USABLE, 0)),
      key("other-format-key-00003", true, 5, 200, row("flash", CellState.DISABLED, 0)),
      key("AIzaFourth-key-00000000004", false, 0, 100, row("flash", CellState.DISABLED, 2)));

  static KeyQuery query(Map<String, String> params) {
    return KeyQuery.parse(params::get);
  }

  static List<String> secrets(KeyListing.Result result) {
    return result.keys().stream().map(k -> k.key().secret()).toList();
  }

  @Test
  void statesPerKeyAndTotalsOfTheWholePool() {
    KeyListing.Result all = KeyListing.page(POOL, query(Map.of()));
    assertThat(all.totals()).isEqualTo(new KeyListing.Totals(4, 3, 1, 0, 1, 1, 1, 1));
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("state", "cooling"))))).containsExactly(POOL.get(0).key().secret());
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("state", "usable", "model", "flash")))))
        .containsExactly(POOL.get(0).key().secret());
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("state", "model_disabled")))))
        .containsExactly(POOL.get(3).key().secret());
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("state", "disabled")))))
        .containsExactly(POOL.get(2).key().secret());
  }

  @Test
  void searchIsAnySubstringIgnoringCaseOrTheId() {
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("search", "SECOND"))))).hasSize(1);
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("search", "0003"))))).containsExactly("other-format-key-00003");
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("search", POOL.get(1).key().fingerprint()))))).hasSize(1);
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("search", "aiza"))))).hasSize(3);
  }

  @Test
  void sortsWithTiesInTheOrderAdded() {
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("sort", "fail_count")))).get(0)).isEqualTo("other-format-key-00003");
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("sort", "fail_count", "order", "asc")))))
        .containsExactly(POOL.get(0).key().secret(), POOL.get(3).key().secret(), POOL.get(1).key().secret(),
            POOL.get(2).key().secret());
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("sort", "used_today", "model", "flash")))).get(0))
        .isEqualTo(POOL.get(1).key().secret());
    assertThat(secrets(KeyListing.page(POOL, query(Map.of("sort", "last_error_at")))).get(0))
        .isEqualTo(POOL.get(1).key().secret());
  }

  @Test
  void pagesAndStatusAndThreshold() {
    KeyListing.Result second = KeyListing.page(POOL, query(Map.of("page", "2", "limit", "3")));
    assertThat(second.totalPages()).isEqualTo(2);
    assertThat(second.keys()).hasSize(1);
    assertThat(KeyListing.page(POOL, query(Map.of("page", "9"))).keys()).isEmpty();
    assertThat(KeyListing.page(POOL, query(Map.of("status", "valid"))).totalItems()).isEqualTo(3);
    assertThat(KeyListing.page(POOL, query(Map.of("fail_count_threshold", "2"))).totalItems()).isEqualTo(2);
  }

  @Test
  void badValuesNameTheirParameter() {
    assertThatThrownBy(() -> query(Map.of("limit", "501"))).hasMessage("limit: expected 1..500, got 501");
    assertThatThrownBy(() -> query(Map.of("search", "x".repeat(201)))).hasMessageStartingWith("search:");
  }
}
