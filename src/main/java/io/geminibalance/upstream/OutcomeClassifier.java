package io.geminibalance.upstream;

import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import io.geminibalance.protocol.gemini.GoogleError;
import java.time.Duration;
import java.util.Locale;

/**
 * Classifies every upstream answer from its HTTP status and Google's error body. Pure: the
 * relay only carries out what this returns.
 *
 * <p>The rule of thumb: the key's fault counts against the key; quota cools the key for that
 * model; the server's fault is retried elsewhere without blame; the request's own fault is
 * answered at once, since another key would fail the same way.
 */
public final class OutcomeClassifier {
  private OutcomeClassifier() {}

  public static Verdict classify(int status, byte[] body) {
    if (status >= 200 && status < 300) {
      return Verdict.SUCCESS;
    }
    GoogleError error = GoogleError.parse(body);
    return switch (status) {
      case 400 -> badRequest(error);
      case 401 -> keyProblem(error, "unauthenticated");
      case 403 -> forbidden(error);
      case 429 -> rateLimited(error);
      case 408 -> transientFailure("request timeout");
      default -> status >= 500
          ? transientFailure("upstream " + status + " " + error.status())
          : clientError("upstream " + status);
    };
  }

  /** A transport failure (connect, reset, timeout) before any answer: another key may do. */
  public static Verdict transportFailure(String what) {
    return transientFailure(what);
  }

  private static Verdict badRequest(GoogleError error) {
    if (keyIsDead(error)) {
      return new Verdict(new KeyOutcome.KeyInvalid(error.message()), true, "invalid key");
    }
    if (error.status().equals("FAILED_PRECONDITION")) {
      // Free tier unavailable in this region, billing missing: a project problem of this key.
      return new Verdict(new KeyOutcome.KeyFailure(error.message()), true, "failed precondition");
    }
    return clientError("invalid argument");
  }

  private static Verdict forbidden(GoogleError error) {
    if (error.zeroLimit()) {
      return new Verdict(new KeyOutcome.ModelUnavailable(error.message()), true, "model not in tier");
    }
    return keyProblem(error, "permission denied");
  }

  private static Verdict keyProblem(GoogleError error, String what) {
    if (keyIsDead(error)) {
      return new Verdict(new KeyOutcome.KeyInvalid(error.message()), true, "invalid key");
    }
    return new Verdict(new KeyOutcome.KeyFailure(what + ": " + error.message()), true, what);
  }

  private static Verdict rateLimited(GoogleError error) {
    if (error.zeroLimit()) {
      return new Verdict(new KeyOutcome.ModelUnavailable(error.message()), true, "model not in tier");
    }
    QuotaWindow window = QuotaWindow.UNKNOWN;
    if (error.quotaViolations().stream().anyMatch(GoogleError.QuotaViolation::perDay)) {
      window = QuotaWindow.DAY;
    } else if (error.quotaViolations().stream().anyMatch(GoogleError.QuotaViolation::perMinute)) {
      window = QuotaWindow.MINUTE;
    }
    Duration delay = error.retryDelay();
    return new Verdict(new KeyOutcome.RateLimited(delay, window, quotaReason(error, window)), true,
        "rate limited");
  }

  private static String quotaReason(GoogleError error, QuotaWindow window) {
    String quotaId = error.quotaViolations().isEmpty() ? "" : error.quotaViolations().get(0).quotaId();
    return quotaId.isEmpty() ? "429 " + window.name().toLowerCase(Locale.ROOT) : quotaId;
  }

  private static boolean keyIsDead(GoogleError error) {
    String message = error.message().toLowerCase(Locale.ROOT);
    return error.hasReason("API_KEY_INVALID") || error.hasReason("API_KEY_EXPIRED")
        || error.hasReason("CONSUMER_SUSPENDED") || error.hasReason("SERVICE_DISABLED_FOR_KEY")
        || message.contains("api key not valid") || message.contains("api key expired")
        || message.contains("has been suspended");
  }

  private static Verdict transientFailure(String reason) {
    return new Verdict(KeyOutcome.NEUTRAL, true, reason);
  }

  private static Verdict clientError(String reason) {
    return new Verdict(KeyOutcome.NEUTRAL, false, reason);
  }
}
