package io.geminibalance.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The events one class logs while open, formatted. Test classes run one at a time in a JVM, so
 * what is captured comes from the test that opened it.
 */
public final class LogEvents implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  private LogEvents(Class<?> source) {
    this.logger = (Logger) LoggerFactory.getLogger(source);
    events.start();
    logger.addAppender(events);
  }

  public static LogEvents of(Class<?> source) {
    return new LogEvents(source);
  }

  /** The formatted messages logged at WARN. */
  public List<String> warnings() {
    synchronized (events.list) {
      return events.list.stream().filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(events);
  }
}
