package io.geminibalance.requestlog;

import io.geminibalance.config.SettingsCatalog;

/**
 * The memory budget of error-log rows waiting for the database (ERROR_LOG_QUEUE_MB). Their bulk
 * is the request body (up to ERROR_LOG_REQUEST_BODY_MAX_KB each when ERROR_LOG_RECORD_REQUEST_BODY
 * is on) and the upstream's error text: LOG_QUEUE_SIZE rows of 16 KiB would be 160 MiB while the
 * database is slow, half the launcher's heap. Beyond the budget a row keeps its metadata (time,
 * key, model, status, request id), the head of its message, and in place of its body a JSON mark
 * that says why it is missing, {@code {"dropped":{"reason":"...","chars":16384}}}; the writer
 * counts it ({@code droppedErrorLogBodies} in {@code /health}).
 */
public final class ErrorLogMemory {
  /** ERROR_LOG_QUEUE_MB's default, in bytes. */
  public static final long DEFAULT_MAX_BYTES =
      1024L * 1024 * SettingsCatalog.definition("ERROR_LOG_QUEUE_MB").defaultInt();
  /** The characters of the message a light row keeps: Google's status and reason come first. */
  static final int MESSAGE_HEAD_CHARS = 1024;
  /** See {@link RequestBodyExcerpt}: a short run of token characters at a cut may be half a key. */
  private static final int TOKEN_RUN_MAX = 256;
  static final String REASON = "the error-log rows waiting for the database held ERROR_LOG_QUEUE_MB";

  private ErrorLogMemory() {}

  public static LogWriter.MemoryBudget<ErrorLogEntry> budget(long maxBytes) {
    return new LogWriter.MemoryBudget<>(maxBytes, ErrorLogMemory::bytes, ErrorLogMemory::lighten);
  }

  /** Two bytes a character: what a string of any text may hold on the heap. */
  static long bytes(ErrorLogEntry entry) {
    return 2L * (length(entry.message()) + length(entry.requestBody()));
  }

  static ErrorLogEntry lighten(ErrorLogEntry entry) {
    String body = entry.requestBody() == null ? null
        : "{\"dropped\":{\"reason\":\"" + REASON + "\",\"chars\":" + entry.requestBody().length() + "}}";
    return entry.withText(head(entry.message()), body);
  }

  private static String head(String message) {
    if (message == null || message.length() <= MESSAGE_HEAD_CHARS) {
      return message;
    }
    int end = MESSAGE_HEAD_CHARS;
    if (Character.isLowSurrogate(message.charAt(end))) {
      end--; // keep a character whole
    }
    int start = end;
    while (start > 0 && end - start <= TOKEN_RUN_MAX && tokenChar(message.charAt(start - 1))) {
      start--;
    }
    if (end - start <= TOKEN_RUN_MAX) {
      end = start;
    }
    return message.substring(0, end) + " [cut from " + message.length() + " characters: " + REASON + "]";
  }

  private static boolean tokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  private static int length(String text) {
    return text == null ? 0 : text.length();
  }
}
