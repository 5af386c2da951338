package io.geminibalance.protocol.openai;

/**
 * The client's OpenAI request cannot be translated. The edge answers 400
 * {@code invalid_request_error} with {@link #param()} naming the offending field and, where one
 * is set, {@link #code()} as the error's code.
 */
public final class TranslationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String param;
  private final String code;

  public TranslationException(String param, String message) {
    this(param, message, null);
  }

  public TranslationException(String param, String message, String code) {
    super(message);
    this.param = param;
    this.code = code;
  }

  /** The request field at fault, e.g. {@code messages[2].tool_call_id}; may be null. */
  public String param() {
    return param;
  }

  /** OpenAI's error code for this problem, e.g. {@code invalid_model}; null when none is set. */
  public String code() {
    return code;
  }
}
