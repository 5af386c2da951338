package io.geminibalance.storage.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The rule for tests against real database servers: in CI (env CI=true) a missing server is a
 * failure, because a skipped backend would pass unnoticed; on a laptop the tests skip with a note.
 */
public final class BackendAvailability {
  private BackendAvailability() {}

  public static void requireReachable(String backend, Exception problem) {
    if (problem == null) {
      return;
    }
    String message = backend + " is not reachable (" + problem.getMessage() + ")."
        + " Start it, or point the test at one with the environment variable named in the test database class.";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true: " + message, problem);
    }
    assumeTrue(false, message + " Skipping (set CI=true to make this a failure).");
  }
}
