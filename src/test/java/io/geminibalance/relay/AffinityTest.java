package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.protocol.gemini.ResourceKind;
import io.geminibalance.storage.ResourceRecord;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AffinityTest {
  private static final long NOW = 1_000_000;
  private static final Set<String> POOLS = Set.of(ResourceRecord.GEMINI_POOL, ResourceRecord.PAID_POOL);

  private static Affinity.Named named(String name, String key, String owner, long expires) {
    return new Affinity.Named(name, Optional.of(new ResourceRecord(name, ResourceKind.ofName(name),
        ResourceRecord.GEMINI_POOL, key, "1234", owner, 0, expires, null, null)));
  }

  private static Affinity.Named unknown(String name) {
    return new Affinity.Named(name, Optional.empty());
  }

  @Test
  void oneKeyPinsTheRequestToIt() {
    Affinity decided = Affinity.decide(List.of(named("files/a", "k1", "c1", 0), named("cachedContents/b", "k1",
        "c1", NOW + 1)), "c1", true, POOLS, NOW);
    assertThat(decided).isEqualTo(new Affinity.Pinned("k1", "files/a", ResourceRecord.GEMINI_POOL));
  }

  @Test
  void twoKeysCannotServeOneRequest() {
    Affinity decided = Affinity.decide(List.of(named("files/a", "k1", "c1", 0), named("files/b", "k2", "c1", 0)),
        "c1", true, POOLS, NOW);
    assertThat(decided).isInstanceOfSatisfying(Affinity.Refused.class, refused -> {
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.message()).contains("files/a, files/b").contains("different keys");
    });
  }

  @Test
  void anotherClientsResourceIsUnknownWhenIsolated() {
    List<Affinity.Named> named = List.of(named("files/a", "k1", "owner", 0));
    assertThat(Affinity.decide(named, "intruder", true, POOLS, NOW))
        .isInstanceOfSatisfying(Affinity.Refused.class, refused -> assertThat(refused.status()).isEqualTo(404));
    assertThat(Affinity.decide(named, "intruder", false, POOLS, NOW))
        .isEqualTo(new Affinity.Pinned("k1", "files/a", ResourceRecord.GEMINI_POOL));
  }

  @Test
  void unrecordedResourcesAreUnknownWhenIsolatedAndGoInRotationOtherwise() {
    assertThat(Affinity.decide(List.of(unknown("files/x")), "c1", true, POOLS, NOW))
        .isInstanceOf(Affinity.Refused.class);
    assertThat(Affinity.decide(List.of(unknown("files/x")), "c1", false, POOLS, NOW))
        .isEqualTo(Affinity.ROTATION);
  }

  @Test
  void expiredAndOtherPoolsResourcesAreRefused() {
    assertThat(Affinity.decide(List.of(named("files/a", "k1", "c1", NOW)), "c1", true, POOLS,
        NOW)).isInstanceOfSatisfying(Affinity.Refused.class, r -> assertThat(r.message()).contains("expired"));
    assertThat(Affinity.decide(List.of(named("files/a", "k1", "c1", 0)), "c1", true, Set.of("vertex"), NOW))
        .isInstanceOfSatisfying(Affinity.Refused.class, r -> assertThat(r.status()).isEqualTo(404));
  }
}
