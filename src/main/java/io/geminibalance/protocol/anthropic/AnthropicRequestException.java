package io.geminibalance.protocol.anthropic;

/**
 * A Messages request the gateway cannot translate: answered with {@link #status()} (400, or 404
 * for a Claude model name nothing maps) in Anthropic's error shape, the message naming the field.
 */
public final class AnthropicRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;

  public AnthropicRequestException(String field, String problem) {
    this(400, field, problem);
  }

  public AnthropicRequestException(int status, String field, String problem) {
    super(field == null ? problem : field + ": " + problem);
    this.status = status;
    this.field = field;
  }

  public int status() {
    return status;
  }

  /** The request field at fault, e.g. {@code messages[1].content[0].source.data}; null for the whole body. */
  public String field() {
    return field;
  }
}
