package io.geminibalance.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.geminibalance.admin.AdminTokens;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What this JVM writes while open: stdout and stderr (still passed on to the original streams)
 * and the Logback events. Logback's console appender writes through {@code System.out} as it is
 * at each write, so {@link #text()} is the process log exactly as it is printed (pattern and
 * redaction included); {@link #logLines()} are the events before the pattern. Tests run one at a
 * time in this JVM, so what is captured comes from the test that opened it.
 */
public final class LogCapture implements AutoCloseable {
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  // One buffer per stream: a line written to one is never split by bytes written to the other.
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  public LogCapture() {
    System.setOut(new PrintStream(new Tee(out, originalOut), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(err, originalErr), true, StandardCharsets.UTF_8));
    events.start();
    root.addAppender(events);
  }

  /** Everything written to stdout so far. */
  public String stdout() {
    System.out.flush();
    return read(out);
  }

  /** Everything written to stdout, then everything written to stderr, so far. */
  public String text() {
    System.err.flush();
    return stdout() + read(err);
  }

  /** Every log event so far, formatted, as "LEVEL message" (before the pattern and its redaction). */
  public List<String> logLines() {
    // AppenderBase appends under the appender's own lock.
    synchronized (events) {
      return events.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
  }

  /** The stdout lines that announce a generated admin token. */
  public List<String> announcements() {
    return stdout().lines().filter(line -> line.startsWith(AdminTokens.ANNOUNCEMENT)).toList();
  }

  /** The token of the only announcement so far. */
  public String announcedToken() {
    List<String> lines = announcements();
    if (lines.size() != 1) {
      throw new AssertionError("expected one '" + AdminTokens.ANNOUNCEMENT + "' line, got " + lines.size());
    }
    return lines.get(0).substring(AdminTokens.ANNOUNCEMENT.length());
  }

  @Override
  public void close() {
    root.detachAppender(events);
    System.out.flush();
    System.err.flush();
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  private static String read(ByteArrayOutputStream buffer) {
    synchronized (buffer) {
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }

  private static final class Tee extends OutputStream {
    private final ByteArrayOutputStream copy;
    private final PrintStream original;

    Tee(ByteArrayOutputStream copy, PrintStream original) {
      this.copy = copy;
      this.original = original;
    }

    @Override
    public void write(int b) {
      synchronized (copy) {
        copy.write(b);
      }
      original.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      synchronized (copy) {
        copy.write(bytes, offset, length);
      }
      original.write(bytes, offset, length);
    }
  }
}
