package io.geminibalance.requestlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The process log as configured in logback.xml: every message and stack trace is redacted. */
class ProcessLogRedactionTest {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessLogRedactionTest.class);

  @Test
  void messagesAndStackTracesAreMasked() {
    String odd = "q7Zt0pLm2xR5";
    String googleKey = "AIzaSyL0gRedact10nTestKey0000000000f2Zq";
    SecretRedactor.process().register(odd);
    try (LogCapture log = new LogCapture()) {
      LOG.warn("upstream said: key {} and {} are bad", odd, googleKey);
      RuntimeException cause = new RuntimeException("cause quotes " + googleKey);
      IllegalStateException failure = new IllegalStateException("header x-goog-api-key: " + odd, cause);
      StackTraceElement[] here = {new StackTraceElement(ProcessLogRedactionTest.class.getName(), "run", null, 1)};
      cause.setStackTrace(here);
      failure.setStackTrace(here);
      LOG.error("request failed", failure);
      String text = log.text();
      assertThat(text).contains("key ...2xR5 and AIza...f2Zq are bad")
          .contains("java.lang.IllegalStateException: header x-goog-api-key: ...2xR5")
          .contains("cause quotes AIza...f2Zq")
          .contains("at io.geminibalance.requestlog.ProcessLogRedactionTest")
          .doesNotContain(odd).doesNotContain(googleKey);
    }
  }
}
