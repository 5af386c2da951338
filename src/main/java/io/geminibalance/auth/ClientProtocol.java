package io.geminibalance.auth;

import java.util.Locale;

/**
 * The client protocols a managed token may be allowed: each is one authentication handler of the
 * server (native Gemini with Vertex Express, files and Live; OpenAI with its compatible forward and
 * the Responses API; Anthropic Messages).
 */
public enum ClientProtocol {
  NATIVE, OPENAI, ANTHROPIC;

  /** The name used in the admin API and the settings: {@code native}, {@code openai}, {@code anthropic}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The protocol named {@code label}, or null for an unknown name. */
  public static ClientProtocol ofLabel(String label) {
    for (ClientProtocol p : values()) {
      if (p.label().equals(label)) {
        return p;
      }
    }
    return null;
  }
}
