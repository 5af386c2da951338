package io.geminibalance.storage;

/**
 * Counts and token sums of a group of request-log rows (one roll-up row, or any sum of them).
 * Unknown token counts add nothing.
 *
 * @param requests upstream attempts
 * @param failures attempts that did not succeed
 * @param abandoned attempts whose client left before the answer's end
 * @param prompt input tokens as billed, cached ones included
 */
public record UsageSums(long requests, long failures, long abandoned, long prompt, long cached, long output,
    long thinking, long image, long audio) {

  public static final UsageSums ZERO = new UsageSums(0, 0, 0, 0, 0, 0, 0, 0, 0);

  public UsageSums plus(UsageSums other) {
    return new UsageSums(requests + other.requests, failures + other.failures, abandoned + other.abandoned,
        prompt + other.prompt, cached + other.cached, output + other.output, thinking + other.thinking,
        image + other.image, audio + other.audio);
  }

  /** Prompt, output and thinking: every token billed. */
  public long totalTokens() {
    return prompt + output + thinking;
  }
}
