package io.geminibalance.requestlog;

/**
 * One upstream attempt, as the request log stores it. Never holds a full key or token.
 *
 * @param errorMessage the upstream error text (secrets already redacted), or {@code null}
 * @param requestBody the request body for the error log, or {@code null} when not recorded
 * @param promptTokens the tokens of the prompt as Google counted them, null when not read (only the
 *     translated non-streaming chat path reads them: it parses the answer anyway)
 * @param completionTokens the same for the answer, thoughts included
 */
public record AttemptRecord(
    long timeMillis,
    String requestId,
    String model,
    KeyIdentity key,
    KeyIdentity client,
    int attempt,
    int statusCode,
    boolean success,
    long latencyMillis,
    boolean stream,
    String operation,
    String errorMessage,
    String requestBody,
    Integer promptTokens,
    Integer completionTokens) {

  /** The same attempt with the token counts read from its answer. */
  public AttemptRecord withUsage(Integer prompt, Integer completion) {
    return new AttemptRecord(timeMillis, requestId, model, key, client, attempt, statusCode, success, latencyMillis,
        stream, operation, errorMessage, requestBody, prompt, completion);
  }
}
