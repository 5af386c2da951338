package io.geminibalance.requestlog;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.geminibalance.logging.RequestIdLocal;

/**
 * {@code %requestId}: " request=&lt;id&gt;" on a line written while a request's context is current
 * (see {@link RequestIdLocal}), nothing on other lines. Logback formats on the thread that logs
 * (the console appender is synchronous), so the context is the one the line was written on.
 */
public final class RequestIdConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String id = RequestIdLocal.current();
    return id == null ? "" : " request=" + id;
  }
}
