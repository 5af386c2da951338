package io.geminibalance.upstream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Which proxy an upstream call goes through, as a pure value over the proxies' indexes.
 *
 * <p>By key (PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY): a consistent hash ring with
 * {@value #VIRTUAL_NODES} points per proxy, placed by SHA-256 of the proxy's identity, so the
 * mapping is the same in every process and after every restart (gemini-balance's Python hash was
 * randomised per process), and adding a proxy to N takes about 1/(N+1) of the keys, all to the
 * new one, while removing one (or skipping it while it is down) moves only the keys it had. A key
 * sits at the position of its fingerprint (SHA-256 too) and goes to the first usable proxy clockwise.
 *
 * <p>Otherwise: rotation, the next usable proxy after a counter.
 */
final class ProxyRing {
  static final int VIRTUAL_NODES = 160;
  private static final ProxyRing EMPTY = new ProxyRing(new long[0], new int[0], 0);

  private final long[] points;
  private final int[] owners;
  private final int size;

  private ProxyRing(long[] points, int[] owners, int size) {
    this.points = points;
    this.owners = owners;
    this.size = size;
  }

  /** A ring over proxies with these identities; index {@code i} is {@code identities.get(i)}. */
  static ProxyRing over(List<String> identities) {
    if (identities.isEmpty()) {
      return EMPTY;
    }
    int n = identities.size();
    long[][] pairs = new long[n * VIRTUAL_NODES][];
    for (int proxy = 0; proxy < n; proxy++) {
      for (int node = 0; node < VIRTUAL_NODES; node++) {
        pairs[proxy * VIRTUAL_NODES + node] = new long[] {position(identities.get(proxy) + "#" + node), proxy};
      }
    }
    // Ties (two identical identities) are broken by index, so the ring does not depend on sort stability.
    Arrays.sort(pairs, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    long[] points = new long[pairs.length];
    int[] owners = new int[pairs.length];
    for (int i = 0; i < pairs.length; i++) {
      points[i] = pairs[i][0];
      owners[i] = (int) pairs[i][1];
    }
    return new ProxyRing(points, owners, n);
  }

  int size() {
    return size;
  }

  /** The first 64 bits of SHA-256 of {@code text}. */
  static long position(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = value << 8 | (digest[i] & 0xff);
      }
      return value;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The proxy of the key at {@code position}: the first usable one clockwise; -1 when none is usable. */
  int byKey(long position, IntPredicate usable) {
    if (points.length == 0) {
      return -1;
    }
    int start = Arrays.binarySearch(points, position);
    if (start < 0) {
      start = -start - 1;
    }
    for (int step = 0; step < points.length; step++) {
      int owner = owners[(start + step) % points.length];
      if (usable.test(owner)) {
        return owner;
      }
    }
    return -1;
  }

  /** The first usable proxy from {@code counter} on (rotation); -1 when none is usable. */
  int byRotation(int counter, IntPredicate usable) {
    for (int step = 0; step < size; step++) {
      int candidate = Math.floorMod(counter + step, size);
      if (usable.test(candidate)) {
        return candidate;
      }
    }
    return -1;
  }
}
