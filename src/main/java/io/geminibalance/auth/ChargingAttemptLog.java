package io.geminibalance.auth;

import io.geminibalance.requestlog.AttemptLog;
import io.geminibalance.requestlog.AttemptRecord;

/**
 * The attempt log with each logged answer's tokens ({@code TokenUsage.total()}) charged to the
 * managed token that made the request, found by its stable id (a managed token's log identity is
 * {@link ClientToken#identity}: its id). Everything else passes through untouched; a client that
 * is not a managed token with a token limit costs one map lookup.
 */
public final class ChargingAttemptLog implements AttemptLog {
  private final AttemptLog delegate;
  private final ClientTokenRegistry tokens;
  private final TokenLimiter limiter;

  public ChargingAttemptLog(AttemptLog delegate, ClientTokenRegistry tokens, TokenLimiter limiter) {
    this.delegate = delegate;
    this.tokens = tokens;
    this.limiter = limiter;
  }

  @Override
  public void record(AttemptRecord record) {
    delegate.record(record);
    if (record.client() == null || !record.usage().known() || tokens.all().isEmpty()) {
      return;
    }
    ClientToken token = tokens.byId(record.client().fingerprint());
    if (token == null || token.limits().tokensPerMinute() == null && token.limits().tokensPerDay() == null) {
      return;
    }
    long total = record.usage().total();
    if (total > 0) {
      limiter.charge(token, total);
    }
  }

  @Override
  public boolean wantsRequestBodies() {
    return delegate.wantsRequestBodies();
  }

  @Override
  public int requestBodyMaxBytes() {
    return delegate.requestBodyMaxBytes();
  }

  @Override
  public void cut(AttemptRecord record, int status, String message) {
    delegate.cut(record, status, message);
  }
}
