package io.geminibalance.requestlog;

import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Sends every attempt to the request log and every failed attempt to the error log, through
 * bounded asynchronous writers: the caller only enqueues, never waits for the database.
 */
public final class StoredAttemptLog implements AttemptLog {
  private final LogWriter<RequestLogEntry> requests;
  private final LogWriter<ErrorLogEntry> errors;
  private final BooleanSupplier recordRequestBody;

  public StoredAttemptLog(LogWriter<RequestLogEntry> requests, LogWriter<ErrorLogEntry> errors,
      BooleanSupplier recordRequestBody) {
    this.requests = requests;
    this.errors = errors;
    this.recordRequestBody = recordRequestBody;
  }

  @Override
  public void record(AttemptRecord a) {
    Instant time = Instant.ofEpochMilli(a.timeMillis());
    Integer status = a.statusCode() > 0 ? a.statusCode() : null;
    requests.offer(new RequestLogEntry(time, a.model(), a.key(), a.success(), status, a.latencyMillis(),
        null, null, a.stream(), a.attempt(), a.requestId(), a.client()));
    if (!a.success()) {
      errors.offer(new ErrorLogEntry(time, a.key(), a.model(), a.operation(), status,
          a.errorMessage() == null ? "" : a.errorMessage(), a.requestBody(), a.requestId()));
    }
  }

  @Override
  public boolean wantsRequestBodies() {
    return recordRequestBody.getAsBoolean();
  }

  public long droppedRequestLogs() {
    return requests.droppedCount();
  }

  public long droppedErrorLogs() {
    return errors.droppedCount();
  }
}
