package io.geminibalance.protocol.openai;

/**
 * Gemini answered with a body we cannot make sense of (not the documented shape). This is
 * the upstream's fault, not the client's: the edge answers 502.
 */
public final class MalformedUpstreamException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MalformedUpstreamException(String message) {
    super(message);
  }
}
