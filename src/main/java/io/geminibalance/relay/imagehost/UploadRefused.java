package io.geminibalance.relay.imagehost;

/** The host answered, but not with a URL: its status or its own words (never a credential). */
public final class UploadRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UploadRefused(String message) {
    super(message, null, false, false);
  }
}
