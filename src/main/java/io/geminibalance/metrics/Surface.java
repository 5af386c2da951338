package io.geminibalance.metrics;

import java.util.Locale;

/** The client-facing surface a request came in on: the {@code surface} label of the request metrics. */
public enum Surface {
  GEMINI, VERTEX_EXPRESS, OPENAI, OPENAI_COMPAT, ANTHROPIC, FILES;

  private final String label = name().toLowerCase(Locale.ROOT);

  public String label() {
    return label;
  }
}
