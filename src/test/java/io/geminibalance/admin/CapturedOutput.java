package io.geminibalance.admin;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Standard output (still passed through) and the gateway's log events while open. Tests run one at
 * a time in this JVM, so what is captured comes from the test that opened it.
 */
final class CapturedOutput implements AutoCloseable {
  private final PrintStream original = System.out;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  CapturedOutput() {
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (bytes) {
          bytes.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (bytes) {
          bytes.write(b, off, len);
        }
        original.write(b, off, len);
      }
    };
    System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
    events.start();
    root.addAppender(events);
  }

  String stdout() {
    synchronized (bytes) {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  /** The lines that announce a generated token. */
  List<String> announcements() {
    return stdout().lines().filter(line -> line.startsWith(AdminTokens.ANNOUNCEMENT)).toList();
  }

  /** The token of the only announcement so far. */
  String announcedToken() {
    List<String> lines = announcements();
    if (lines.size() != 1) {
      throw new AssertionError("expected one '" + AdminTokens.ANNOUNCEMENT + "' line, got " + lines.size());
    }
    return lines.get(0).substring(AdminTokens.ANNOUNCEMENT.length());
  }

  /** Every log message so far, formatted, as "LEVEL message". */
  List<String> logLines() {
    return events.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Override
  public void close() {
    root.detachAppender(events);
    System.setOut(original);
  }
}
