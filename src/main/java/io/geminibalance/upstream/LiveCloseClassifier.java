package io.geminibalance.upstream;

import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import java.util.Locale;

/**
 * Classifies a Live API session that Google closed before its first message (the answer to the
 * setup): Google accepts the WebSocket whatever the key, then refuses the session with a close
 * frame, its code and a reason in words (an invalid key, exhausted quota, a bad setup). Pure, like
 * {@link OutcomeClassifier}, whose rule of thumb it follows: only a reason that names the key
 * blames the key (the client's own credential never reaches Google, so a key Google names is a
 * pool key); quota cools the key for the model; the server's trouble is retried elsewhere; the
 * request's own fault (1007 bad payload, 1008 policy) is passed on to the client at once.
 */
public final class LiveCloseClassifier {
  private LiveCloseClassifier() {}

  /**
   * @param verdict what the close means for the key and whether another key may do better
   * @param status the HTTP status with the same meaning, for the request and error logs
   */
  public record Outcome(Verdict verdict, int status) {}

  public static Outcome classify(int code, String reason) {
    String text = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
    if (text.contains("api key not valid") || text.contains("api_key_invalid") || text.contains("api key expired")) {
      return new Outcome(new Verdict(new KeyOutcome.KeyInvalid("live: " + reason), true, "invalid key"), 400);
    }
    if (text.contains("resource_exhausted") || text.contains("quota")) {
      return new Outcome(new Verdict(new KeyOutcome.RateLimited(null, QuotaWindow.UNKNOWN, "live: quota"), true,
          "rate limited"), 429);
    }
    return switch (code) {
      // Google's internal errors and overload, or the connection lost: another key may do.
      case 1001, 1006, 1011, 1012, 1013, 1014 ->
          new Outcome(new Verdict(KeyOutcome.NEUTRAL, true, "upstream closed " + code), code == 1006 ? 502 : 503);
      // A model that does not exist: nothing was generated, the lease gives back what it counted.
      case 1008 -> text.contains("not found")
          ? new Outcome(new Verdict(KeyOutcome.NOT_FOUND, false, "upstream closed 1008 not found"), 404)
          : new Outcome(new Verdict(KeyOutcome.NEUTRAL, false, "upstream closed 1008"), 403);
      default -> new Outcome(new Verdict(KeyOutcome.NEUTRAL, false, "upstream closed " + code), 400);
    };
  }
}
