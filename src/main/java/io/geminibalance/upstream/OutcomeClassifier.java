package io.geminibalance.upstream;

import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import io.geminibalance.protocol.gemini.EmptyAnswer;
import io.geminibalance.protocol.gemini.GoogleError;
import java.time.Duration;
import java.util.Locale;

/**
 * Classifies every upstream answer from its HTTP status and Google's error body. Pure: the
 * relay only carries out what this returns.
 *
 * <p>The rule of thumb: the key's fault counts against the key; quota cools the key for that
 * model; the server's fault is retried elsewhere without blame; the request's own fault is
 * answered at once, since another key would fail the same way. Whether a 400, 401 or 403 is the
 * key's fault is decided by {@link KeyBlame} from Google's reasons only: without one it is the
 * request's, whatever the status.
 */
public final class OutcomeClassifier {
  private OutcomeClassifier() {}

  public static Verdict classify(int status, byte[] body) {
    if (status >= 200 && status < 300) {
      return Verdict.SUCCESS;
    }
    GoogleError error = GoogleError.parse(body);
    return switch (status) {
      case 400, 401 -> refused(error, status);
      case 403 -> error.zeroLimit()
          ? new Verdict(new KeyOutcome.ModelUnavailable(error.message()), true, "model not in tier")
          : refused(error, status);
      case 429 -> rateLimited(error);
      // Whatever the body says (a proxy in BASE_URL may answer it too): nothing was generated and
      // Google counts no quota, so the pool gives back what the lease counted.
      case 404 -> new Verdict(KeyOutcome.NOT_FOUND, false, "upstream 404 " + error.status());
      case 408 -> transientFailure("request timeout");
      default -> status >= 500
          ? transientFailure("upstream " + status + " " + error.status())
          : clientError("upstream " + status);
    };
  }

  /**
   * An empty 2xx answer ({@link EmptyAnswer}): nobody's fault, and another key usually answers
   * (gemini-balance's users saw these now and then).
   */
  public static final Verdict EMPTY_ANSWER = new Verdict(KeyOutcome.NEUTRAL, true, "empty answer");

  /** A whole non-streamed {@code generateContent} body of a 2xx answer, {@code bytes[offset, offset + length)}. */
  public static Verdict classifyAnswer(byte[] bytes, int offset, int length) {
    return EmptyAnswer.isEmpty(bytes, offset, length) ? EMPTY_ANSWER : Verdict.SUCCESS;
  }

  /** A transport failure (connect, reset, timeout) before any answer: another key may do. */
  public static Verdict transportFailure(String what) {
    return transientFailure(what);
  }

  /**
   * The call failed at an upstream proxy (PROXIES), before Google saw it: the key is blamed for
   * nothing and its turn is given back; another attempt may go through while another proxy is up.
   */
  public static Verdict proxyFailure(String what, boolean othersUp) {
    return new Verdict(KeyOutcome.UNSENT, othersUp, what);
  }

  private static Verdict refused(GoogleError error, int status) {
    KeyBlame blame = KeyBlame.of(error);
    return switch (blame.kind()) {
      case DEAD_KEY -> new Verdict(new KeyOutcome.KeyInvalid(blame.reason()), true, "invalid key");
      case BLOCKED_KEY -> new Verdict(new KeyOutcome.KeyBlocked(blame.reason()), true, "key blocked");
      case UNKNOWN_KEY_REASON -> new Verdict(new KeyOutcome.KeyFailure(blame.reason()), true, "key problem");
      case EGRESS_LOCATION -> transientFailure("location not supported");
      case REQUEST -> clientError("upstream " + status + " " + error.status());
    };
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
    return new Verdict(new KeyOutcome.RateLimited(delay, window, quotaReason(error, window),
        statedRequestLimit(error, window), error.consumer().isEmpty() ? null : error.consumer()), true,
        "rate limited");
  }

  /**
   * The request limit Google names for the exhausted window ({@code QuotaFailure.quotaValue} of a
   * violation of that window), or 0. Only request quotas count: a token quota's value (say
   * 250000 input tokens per minute) says nothing about how many requests a key may send.
   */
  static int statedRequestLimit(GoogleError error, QuotaWindow window) {
    if (window == QuotaWindow.UNKNOWN) {
      return 0;
    }
    for (GoogleError.QuotaViolation v : error.quotaViolations()) {
      boolean sameWindow = window == QuotaWindow.DAY ? v.perDay() : v.perMinute() && !v.perDay();
      if (sameWindow && v.countsRequests()) {
        int value = v.value();
        if (value > 0) {
          return value;
        }
      }
    }
    return 0;
  }

  private static String quotaReason(GoogleError error, QuotaWindow window) {
    String quotaId = error.quotaViolations().isEmpty() ? "" : error.quotaViolations().get(0).quotaId();
    return quotaId.isEmpty() ? "429 " + window.name().toLowerCase(Locale.ROOT) : quotaId;
  }

  private static Verdict transientFailure(String reason) {
    return new Verdict(KeyOutcome.NEUTRAL, true, reason);
  }

  private static Verdict clientError(String reason) {
    return new Verdict(KeyOutcome.NEUTRAL, false, reason);
  }
}
