package io.geminibalance.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a shutdown stands (SIGTERM, see {@code app/Gateway.shutdown}): serving; draining (new
 * requests are refused, {@code /health} says so, requests in flight go on); cutting (the grace is
 * over: what is still in flight is being cut, and each request cut records it). Written by the
 * shutdown, read on the request path, so it is one volatile field; beside it, the rare answers
 * whose client left and which are still read for their usage (see RequestContext), which hold no
 * client connection, so the shutdown must be told of them to wait for them and then cut them.
 *
 * <p>Those reads are also bounded in number ({@link #tryReadingLeftAnswer}): a read left behind
 * holds an upstream call but no client connection, so MAX_CLIENT_CONNECTIONS does not bound them,
 * and a client that opens requests for large answers and leaves could otherwise pile them up. At
 * most MAX_CLIENT_CONNECTIONS of them are kept, a bound of the same order as what connected clients
 * can make the gateway hold; past that, an answer whose client leaves is cut at once, its row
 * logged without usage.
 */
public final class Drain {
  private static final int SERVING = 0;
  private static final int DRAINING = 1;
  private static final int CUTTING = 2;

  private volatile int phase = SERVING;
  private final Set<Runnable> leftAnswers = ConcurrentHashMap.newKeySet();
  private final int maxLeftAnswers;

  /** @param maxLeftAnswers how many answers whose client left may be read on at once (MAX_CLIENT_CONNECTIONS) */
  public Drain(int maxLeftAnswers) {
    this.maxLeftAnswers = maxLeftAnswers;
  }

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

  /** What is still in flight is about to be cut: so are the answers still read after their client left. */
  public void startCutting() {
    phase = CUTTING;
    leftAnswers.forEach(Runnable::run);
  }

  /**
   * An answer whose client left is to be read on; {@code cut} stops that read.
   *
   * @return false when {@link #maxLeftAnswers} are being read already: then it is not read on
   */
  synchronized boolean tryReadingLeftAnswer(Runnable cut) {
    if (leftAnswers.size() >= maxLeftAnswers) {
      return false;
    }
    leftAnswers.add(cut);
    if (cutting()) {
      cut.run();
    }
    return true;
  }

  /** That answer has been read (or has failed). */
  void leftAnswerDone(Runnable cut) {
    leftAnswers.remove(cut);
  }

  /** How many answers whose client left are still being read: a draining shutdown waits for them too. */
  public int leftAnswers() {
    return leftAnswers.size();
  }
}
