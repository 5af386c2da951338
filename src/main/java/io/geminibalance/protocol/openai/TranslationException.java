package io.geminibalance.protocol.openai;

/**
 * The client's OpenAI request cannot be translated. The edge answers 400
 * {@code invalid_request_error} with {@link #param()} naming the offending field.
 */
public final class TranslationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String param;

  public TranslationException(String param, String message) {
    super(message);
    this.param = param;
  }

  /** The request field at fault, e.g. {@code messages[2].tool_call_id}; may be null. */
  public String param() {
    return param;
  }
}
