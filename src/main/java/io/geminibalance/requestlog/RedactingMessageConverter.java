package io.geminibalance.requestlog;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %msg} through {@link SecretRedactor#process()}: defence in depth, so that a
 * key or token that reaches a log line by mistake (a library's message, an exception text) is
 * still masked. Costs one pass over the message (see SecretRedactor), and log lines are rare on
 * the request path.
 */
public final class RedactingMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return SecretRedactor.process().redact(event.getFormattedMessage());
  }
}
