package io.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The proxy choice: consistent hashing moves few keys, rotation visits every usable proxy. */
class ProxyRingTest {
  private static final int KEYS = 2000;

  private static List<String> proxies(int n, long seed) {
    return IntStream.range(0, n).mapToObj(i -> "socks5://10." + seed % 250 + "." + i / 250 + "." + i % 250 + ":1080")
        .toList();
  }

  private static long[] keys(long seed) {
    Random random = new Random(seed);
    return random.longs(KEYS).toArray();
  }

  /** The identity each key maps to with every proxy usable. */
  private static List<String> owners(List<String> identities, long[] keys, Set<String> down) {
    ProxyRing ring = ProxyRing.over(identities);
    List<String> owners = new ArrayList<>();
    for (long key : keys) {
      int owner = ring.byKey(key, i -> !down.contains(identities.get(i)));
      owners.add(owner < 0 ? null : identities.get(owner));
    }
    return owners;
  }

  @Property(tries = 60)
  void addingAProxyMovesAboutItsShareOfKeysAllToIt(@ForAll @IntRange(min = 1, max = 12) int n,
      @ForAll long seed) {
    List<String> before = proxies(n, seed);
    List<String> after = proxies(n + 1, seed);
    String added = after.get(n);
    long[] keys = keys(seed);
    List<String> was = owners(before, keys, Set.of());
    List<String> now = owners(after, keys, Set.of());
    int moved = 0;
    for (int i = 0; i < keys.length; i++) {
      if (!was.get(i).equals(now.get(i))) {
        moved++;
        assertThat(now.get(i)).isEqualTo(added);
      }
    }
    double share = 1.0 / (n + 1);
    assertThat((double) moved / keys.length).isBetween(share / 4, share * 2.5);
  }

  @Property(tries = 60)
  void removingOrSkippingAProxyMovesOnlyItsKeys(@ForAll @IntRange(min = 2, max = 12) int n,
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 11) int which) {
    List<String> all = proxies(n, seed);
    String gone = all.get(which % n);
    List<String> rest = new ArrayList<>(all);
    rest.remove(gone);
    long[] keys = keys(seed);
    List<String> was = owners(all, keys, Set.of());
    List<String> removed = owners(rest, keys, Set.of());
    List<String> skipped = owners(all, keys, Set.of(gone));
    for (int i = 0; i < keys.length; i++) {
      if (!was.get(i).equals(gone)) {
        assertThat(removed.get(i)).isEqualTo(was.get(i));
      } else {
        assertThat(removed.get(i)).isNotEqualTo(gone);
      }
      // Skipping a down proxy is the same as removing it: it comes back to the same keys.
      assertThat(skipped.get(i)).isEqualTo(removed.get(i));
    }
  }

  @Property(tries = 100)
  void rotationVisitsEachUsableProxyOncePerRound(@ForAll @IntRange(min = 1, max = 20) int n,
      // A round that crosses the counter's wrap at Integer.MAX_VALUE is uneven once (every 2^31 calls):
      // the property is about rounds between wraps.
      @ForAll long downMask, @ForAll @IntRange(min = Integer.MIN_VALUE, max = Integer.MAX_VALUE - 32) int counter) {
    ProxyRing ring = ProxyRing.over(proxies(n, 1));
    Set<Integer> usable = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if ((downMask >>> i & 1) == 0) {
        usable.add(i);
      }
    }
    List<Integer> round = new ArrayList<>();
    for (int step = 0; step < n; step++) {
      int chosen = ring.byRotation(counter + step, usable::contains);
      if (usable.isEmpty()) {
        assertThat(chosen).isEqualTo(-1);
      } else {
        assertThat(usable).contains(chosen);
        round.add(chosen);
      }
    }
    if (!usable.isEmpty()) {
      // Each usable proxy is the one at its own counter, so a round of n counters covers them all.
      assertThat(new HashSet<>(round)).isEqualTo(usable);
    }
  }

  @Test
  void theMappingIsTheSameInEveryInstanceAndNoneWhenAllAreDown() {
    List<String> identities = proxies(5, 7);
    long[] keys = keys(7);
    assertThat(owners(identities, keys, Set.of())).isEqualTo(owners(List.copyOf(identities), keys, Set.of()));
    assertThat(owners(identities, keys, Set.copyOf(identities))).containsOnlyNulls();
    assertThat(ProxyRing.over(List.of()).byKey(42, i -> true)).isEqualTo(-1);
    // Every proxy gets keys.
    assertThat(new HashSet<>(owners(identities, keys, Set.of()))).hasSize(5);
  }

  @Test
  void addingAFifthProxyMovesAboutAFifthOfTheKeys() {
    long[] keys = new Random(3).longs(20_000).toArray();
    List<String> was = owners(proxies(4, 3), keys, Set.of());
    List<String> now = owners(proxies(5, 3), keys, Set.of());
    long moved = IntStream.range(0, keys.length).filter(i -> !was.get(i).equals(now.get(i))).count();
    assertThat((double) moved / keys.length).isBetween(0.12, 0.30);
  }
}
