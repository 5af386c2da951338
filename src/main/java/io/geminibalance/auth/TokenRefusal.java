package io.geminibalance.auth;

/**
 * Why a managed token is not let through, as a value: each surface renders it in its own error
 * shape with {@link #status}. Messages name the token by its name, never its value.
 *
 * @param retryAfterSeconds for {@link Kind#OVER_LIMIT}: seconds until the window that refused
 *     frees (Retry-After); 0 otherwise
 */
public record TokenRefusal(Kind kind, String message, long retryAfterSeconds) {

  /** The cases, each with its HTTP status. */
  public enum Kind {
    EXPIRED(401), REVOKED(401), DISABLED(401), PROTOCOL(403), ADDRESS(403), MODEL(403), OVER_LIMIT(429);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public int status() {
    return kind.status();
  }

  static TokenRefusal of(Kind kind, String message) {
    return new TokenRefusal(kind, message, 0);
  }

  /** The model check, done where the model is known (the upstream executor, the Live connector). */
  public static TokenRefusal model(ClientToken token, String model) {
    return model(token, model, model);
  }

  /**
   * The model check of a call naming {@code requested}, which stands for {@code base} ({@link
   * ModelGlobs#allows(java.util.List, String, String)}); the refusal names {@code requested}.
   */
  public static TokenRefusal model(ClientToken token, String requested, String base) {
    return requested == null || ModelGlobs.allows(token.models(), requested, base) ? null
        : of(Kind.MODEL, "token '" + token.name() + "' is not allowed to use model '" + requested + "'");
  }
}
