package io.geminibalance.requestlog;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * Logback's {@code %ex} (stack traces, with every cause's message) through
 * {@link SecretRedactor#process()}: exception messages are written by libraries and may quote a
 * URL, a header or a value.
 */
public final class RedactingThrowableConverter extends ThrowableProxyConverter {
  @Override
  protected String throwableProxyToString(IThrowableProxy proxy) {
    return SecretRedactor.process().redact(super.throwableProxyToString(proxy));
  }
}
