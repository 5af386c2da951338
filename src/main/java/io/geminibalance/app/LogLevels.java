package io.geminibalance.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies LOG_LEVEL to our loggers at start-up and whenever the setting changes. */
final class LogLevels {
  private LogLevels() {}

  static void apply(String level) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
  }
}
