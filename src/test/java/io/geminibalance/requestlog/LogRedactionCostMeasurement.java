package io.geminibalance.requestlog;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.LoggerFactory;

/**
 * A measurement, not a check: what redaction adds to a process log line that holds no secret,
 * with 0, 1,000 and 100,000 registered secrets (pool keys), alone and next to Logback's own layout
 * of the same line with the production pattern. Not part of the test suite (its name does not end
 * in Test) and off without the property, because timings on a shared machine prove nothing; run it
 * with {@code ./mvnw -o test -Dtest=LogRedactionCostMeasurement -Dgb.measure=true}. Each figure is
 * the lowest of {@link #ROUNDS} rounds of {@link #LINES} lines (other processes only ever add).
 */
@EnabledIfSystemProperty(named = "gb.measure", matches = "true")
class LogRedactionCostMeasurement {
  private static final int ROUNDS = 15;
  private static final int LINES = 200_000;
  private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";
  private static final List<String> MESSAGES = List.of(
      "request mxbjjmv7-b attempt 2 key ...zUeQ: 500 (upstream 500 INTERNAL)",
      "Key ...9xR4 disabled: API key not valid. Please pass a valid API key.",
      "Gemini Balance listening on 127.0.0.1:8000 with 100000 key(s), upstream https://generativelanguage.googleapis.com/v1beta",
      "Several keys refused for gemini-2.5-flash within a second while lightly used: likely an IP-level throttle by"
          + " Google; pausing gemini-2.5-flash for 5000 ms instead of cooling the whole pool down (sk- prefix seen)");

  @Test
  void costPerLineWithoutSecrets() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayout plain = layout(context, PATTERN);
    PatternLayout redacted = layout(context, PATTERN.replace("%msg", "%redactedMsg"));
    List<LoggingEvent> events = MESSAGES.stream().map(m -> event(context, m)).toList();
    for (int secrets : new int[] {0, 1_000, 100_000}) {
      SecretRedactor redactor = new SecretRedactor();
      redactor.registerAll(keys(secrets));
      double redact = lowest(() -> {
        long sum = 0;
        for (int i = 0; i < LINES; i++) {
          sum += redactor.redact(MESSAGES.get(i & 3)).length();
        }
        return sum;
      });
      System.out.printf("redact() alone, %,d registered secrets: %.0f ns per line%n", secrets, redact);
    }
    SecretRedactor.process().registerAll(keys(100_000));
    double layoutPlain = lowest(() -> {
      long sum = 0;
      for (int i = 0; i < LINES; i++) {
        sum += plain.doLayout(events.get(i & 3)).length();
      }
      return sum;
    });
    double layoutRedacted = lowest(() -> {
      long sum = 0;
      for (int i = 0; i < LINES; i++) {
        sum += redacted.doLayout(events.get(i & 3)).length();
      }
      return sum;
    });
    System.out.printf("Logback layout of the same lines: %%msg %.0f ns, %%redactedMsg (100,000 secrets) %.0f ns%n",
        layoutPlain, layoutRedacted);
  }

  private static List<String> keys(int count) {
    Random random = new Random(7);
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder key = new StringBuilder("AIzaSy");
      while (key.length() < 39) {
        key.append((char) ('A' + random.nextInt(26)));
      }
      keys.add(key.toString());
    }
    return keys;
  }

  private interface Round {
    long run();
  }

  /** The lowest time per line over the rounds, in nanoseconds. */
  private static double lowest(Round round) {
    double[] perLine = new double[ROUNDS];
    long sink = 0;
    for (int r = 0; r < ROUNDS; r++) {
      long start = System.nanoTime();
      sink += round.run();
      perLine[r] = (System.nanoTime() - start) / (double) LINES;
    }
    if (sink == 42) {
      System.out.println();
    }
    return Arrays.stream(perLine).min().orElseThrow();
  }

  private static PatternLayout layout(LoggerContext context, String pattern) {
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.setPattern(pattern);
    layout.start();
    return layout;
  }

  private static LoggingEvent event(LoggerContext context, String message) {
    LoggingEvent event = new LoggingEvent();
    event.setLoggerContext(context);
    event.setLoggerName("io.geminibalance.upstream.UpstreamExecutor");
    event.setLevel(Level.WARN);
    event.setMessage(message);
    event.setThreadName("vert.x-eventloop-thread-1");
    event.setTimeStamp(System.currentTimeMillis());
    return event;
  }
}
