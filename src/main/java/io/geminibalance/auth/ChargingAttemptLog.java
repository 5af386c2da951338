package io.geminibalance.auth;

import io.geminibalance.requestlog.AttemptLog;
import io.geminibalance.requestlog.AttemptRecord;

/**
 * The attempt log with each logged answer's tokens charged to the managed token that made the
 * request ({@link TokenCharges}). Everything else passes through untouched.
 */
public final class ChargingAttemptLog implements AttemptLog {
  private final AttemptLog delegate;
  private final TokenCharges charges;

  public ChargingAttemptLog(AttemptLog delegate, ClientTokenRegistry tokens, TokenLimiter limiter) {
    this(delegate, new TokenCharges(tokens, limiter));
  }

  public ChargingAttemptLog(AttemptLog delegate, TokenCharges charges) {
    this.delegate = delegate;
    this.charges = charges;
  }

  @Override
  public void record(AttemptRecord record) {
    delegate.record(record);
    charges.charge(record.client(), record.usage());
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
