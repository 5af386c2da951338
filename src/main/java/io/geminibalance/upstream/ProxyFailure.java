package io.geminibalance.upstream;

/**
 * An upstream call that never reached Google because of PROXIES: a proxy refused it, or none is
 * reachable. Nothing was sent with the key, so the executor gives the key's turn back and blames
 * it for nothing. The message names the proxies with their credentials masked.
 *
 * @see UpstreamProxies
 */
public final class ProxyFailure extends RuntimeException {
  private final boolean othersUp;

  ProxyFailure(String message, boolean othersUp) {
    super(message, null, false, false);
    this.othersUp = othersUp;
  }

  /** Whether another proxy is still up, so another attempt may get through. */
  public boolean othersUp() {
    return othersUp;
  }
}
