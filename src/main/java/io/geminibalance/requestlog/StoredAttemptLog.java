package io.geminibalance.requestlog;

import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Sends every attempt to the request log and every failed attempt to the error log, through
 * bounded asynchronous writers: the caller only enqueues, never waits for the database.
 */
public final class StoredAttemptLog implements AttemptLog {
  private final LogWriter<RequestLogEntry> requests;
  private final LogWriter<ErrorLogEntry> errors;
  private final BooleanSupplier recordRequestBody;
  private final IntSupplier requestBodyMaxBytes;

  /**
   * @param recordRequestBody ERROR_LOG_RECORD_REQUEST_BODY
   * @param requestBodyMaxBytes ERROR_LOG_REQUEST_BODY_MAX_KB in bytes: each row's cap (the rows
   *     waiting for the database together: ERROR_LOG_QUEUE_MB, see {@link ErrorLogMemory})
   */
  public StoredAttemptLog(LogWriter<RequestLogEntry> requests, LogWriter<ErrorLogEntry> errors,
      BooleanSupplier recordRequestBody, IntSupplier requestBodyMaxBytes) {
    this.requests = requests;
    this.errors = errors;
    this.recordRequestBody = recordRequestBody;
    this.requestBodyMaxBytes = requestBodyMaxBytes;
  }

  @Override
  public void record(AttemptRecord a) {
    Instant time = Instant.ofEpochMilli(a.timeMillis());
    Integer status = a.statusCode() > 0 ? a.statusCode() : null;
    requests.offer(new RequestLogEntry(time, a.model(), a.key(), a.success(), status, a.latencyMillis(),
        a.usage(), a.abandoned(), a.stream(), a.attempt(), a.requestId(), a.client()));
    if (!a.success()) {
      errors.offer(new ErrorLogEntry(time, a.key(), a.model(), a.operation(), status,
          a.errorMessage() == null ? "" : a.errorMessage(), a.requestBody(), a.requestId()));
    }
  }

  /** The key is not named at fault by anything else: the status says whose doing the cut was. */
  @Override
  public void cut(AttemptRecord a, int status, String message) {
    errors.offer(new ErrorLogEntry(Instant.now(), a.key(), a.model(), a.operation(), status, message, null,
        a.requestId()));
  }

  @Override
  public boolean wantsRequestBodies() {
    return recordRequestBody.getAsBoolean();
  }

  @Override
  public int requestBodyMaxBytes() {
    return requestBodyMaxBytes.getAsInt();
  }

  /** Request-log rows waiting for the database. */
  public int pendingRequestLogs() {
    return requests.pendingCount();
  }

  /** Error-log rows waiting for the database. */
  public int pendingErrorLogs() {
    return errors.pendingCount();
  }

  public long droppedRequestLogs() {
    return requests.droppedCount();
  }

  public long droppedErrorLogs() {
    return errors.droppedCount();
  }

  /** Error-log rows stored without their request body: they waited beyond ERROR_LOG_QUEUE_MB. */
  public long droppedErrorLogBodies() {
    return errors.lightenedCount();
  }
}
