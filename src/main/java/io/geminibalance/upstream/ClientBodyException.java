package io.geminibalance.upstream;

/**
 * A streamed request body failed on the client's side: the client went away mid-body, or sent
 * more than a limit allows. The attempt ends without an answer from Google, and the key is not
 * blamed for it.
 */
public final class ClientBodyException extends RuntimeException {
  private final int status;

  /** @param status what the client gets: 413 over a limit, 499 gone, 400 malformed */
  public ClientBodyException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
