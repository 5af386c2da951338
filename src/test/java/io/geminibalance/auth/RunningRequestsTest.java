package io.geminibalance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which running requests are cut, and when: the registry's changes and the clock, never a rotation. */
class RunningRequestsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private final ClientTokenRegistry registry = new ClientTokenRegistry();
  private final InstantSource clock = now::get;
  private final RunningRequests running = new RunningRequests(registry, clock);
  private final List<String> cuts = new ArrayList<>();

  private static ClientToken token(String id, String hash, boolean enabled, Instant expiresAt, Instant revokedAt) {
    return new ClientToken(id, "name-" + id, hash, "0001", List.of(), Set.of(), TokenLimits.NONE, expiresAt,
        List.of(), enabled, revokedAt, NOW, NOW);
  }

  private RunningRequests.Registration add(ClientToken token, String label) {
    return running.add(token, why -> cuts.add(label + ": " + why.message()));
  }

  @Test
  void aRevokedOrDisabledTokensRequestsAreCutWhenTheRegistryChangesAndOnlyTheirs() {
    ClientToken a = token("a", "h-a", true, null, null);
    ClientToken b = token("b", "h-b", true, null, null);
    registry.replace(List.of(a, b));
    add(a, "a1");
    add(a, "a2");
    add(b, "b1");
    registry.replace(List.of(token("a", "h-a", true, null, NOW), b));
    assertThat(cuts).containsExactlyInAnyOrder("a1: token 'name-a' has been revoked",
        "a2: token 'name-a' has been revoked");
    assertThat(running.running("a")).isZero();
    assertThat(running.running("b")).isEqualTo(1);
    registry.replace(List.of(token("b", "h-b", false, null, null)));
    assertThat(cuts).contains("b1: token 'name-b' is disabled");
    assertThat(running.running("b")).isZero();
  }

  @Test
  void aRotationOrAnUnrelatedChangeCutsNothing() {
    ClientToken a = token("a", "h-a", true, null, null);
    registry.replace(List.of(a));
    add(a, "a1");
    registry.replace(List.of(token("a", "h-a-rotated", true, null, null)));
    registry.replace(List.of());
    assertThat(cuts).isEmpty();
    assertThat(running.running("a")).isEqualTo(1);
  }

  @Test
  void anExpiredTokensRequestsAreCutByTheExpiryCheckOnceItsTimeHasCome() {
    Instant expires = NOW.plusSeconds(10);
    ClientToken a = token("a", "h-a", true, expires, null);
    registry.replace(List.of(a));
    add(a, "a1");
    running.checkExpiries();
    assertThat(cuts).isEmpty();
    now.set(expires);
    running.checkExpiries();
    assertThat(cuts).containsExactly("a1: token 'name-a' expired at " + expires);
  }

  @Test
  void aRequestEndedIsForgottenAndOneAdmittedJustBeforeAChangeIsCutAsItIsAdded() {
    ClientToken a = token("a", "h-a", true, null, null);
    registry.replace(List.of(a));
    RunningRequests.Registration first = add(a, "a1");
    first.remove();
    first.remove();
    assertThat(running.running("a")).isZero();
    registry.replace(List.of(token("a", "h-a", true, null, NOW)));
    assertThat(cuts).isEmpty();
    // Admitted with the snapshot before the revoke, registered after it.
    add(a, "late");
    assertThat(cuts).containsExactly("late: token 'name-a' has been revoked");
    assertThat(running.running("a")).isZero();
  }
}
