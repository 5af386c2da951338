package io.geminibalance.upstream;

/**
 * Where a shutdown stands (SIGTERM, see {@code app/Gateway.shutdown}): serving; draining (new
 * requests are refused, {@code /health} says so, requests in flight go on); cutting (the grace is
 * over: what is still in flight is being cut, and each request cut records it). Written by the
 * shutdown, read on the request path, so it is one volatile field and nothing else.
 */
public final class Drain {
  private static final int SERVING = 0;
  private static final int DRAINING = 1;
  private static final int CUTTING = 2;

  private volatile int phase = SERVING;

  public boolean draining() {
    return phase >= DRAINING;
  }

  public boolean cutting() {
    return phase == CUTTING;
  }

  /** New requests are refused from now on; those in flight go on. */
  public void startDraining() {
    if (phase == SERVING) {
      phase = DRAINING;
    }
  }

  /** What is still in flight is about to be cut. */
  public void startCutting() {
    phase = CUTTING;
  }
}
