package io.geminibalance.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.geminibalance.requestlog.JsonLogLayout;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * LOG_FORMAT, applied once at start, before the first line is written: {@code text} keeps
 * logback.xml's pattern, {@code json} gives the console appender {@link JsonLogLayout}.
 */
final class LogFormat {
  static final String SETTING = "LOG_FORMAT";

  private LogFormat() {}

  static void apply(String format) {
    if (!"json".equals(format)) {
      return;
    }
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    LoggerContext context = root.getLoggerContext();
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
        JsonLogLayout layout = new JsonLogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        appender.stop();
        appender.setEncoder(encoder);
        appender.start();
      }
    }
  }
}
