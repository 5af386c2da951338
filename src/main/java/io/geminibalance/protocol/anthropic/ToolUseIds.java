package io.geminibalance.protocol.anthropic;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Tool use ids, which carry the Gemini thought signature of their function call. Gemini puts a
 * {@code thoughtSignature} on a function call part and wants it back on that part in the next
 * turn (Gemini 3 refuses the turn without it); Anthropic's {@code tool_use} block has no field
 * for it, but every client sends the block's id back unchanged. So the signature rides in the id:
 * nothing is kept in the gateway (any instance, any restart, any time later can restore it) and
 * nothing is lost when a client drops unknown fields, as a cache keyed by id could lose it on
 * eviction. The id stays within Anthropic's id alphabet ({@code [A-Za-z0-9_-]}):
 * {@code toolu_} + 24 random letters and digits + optionally {@code _} and the signature's UTF-8
 * bytes in unpadded base64url.
 */
public final class ToolUseIds {
  private static final String PREFIX = "toolu_";
  private static final int RANDOM_CHARS = 24;
  private static final int SIGNATURE_AT = PREFIX.length() + RANDOM_CHARS + 1;
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private ToolUseIds() {}

  /** A new id; {@code signature} may be null (no signature to carry). */
  public static String create(RandomGenerator random, String signature) {
    StringBuilder id = new StringBuilder(PREFIX);
    for (int i = 0; i < RANDOM_CHARS; i++) {
      id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    if (signature != null && !signature.isEmpty()) {
      id.append('_').append(Base64.getUrlEncoder().withoutPadding()
          .encodeToString(signature.getBytes(StandardCharsets.UTF_8)));
    }
    return id.toString();
  }

  /** The signature an id made by {@link #create} carries; empty for any other id. */
  public static Optional<String> signature(String id) {
    if (id.length() <= SIGNATURE_AT || !id.startsWith(PREFIX) || id.charAt(SIGNATURE_AT - 1) != '_') {
      return Optional.empty();
    }
    for (int i = PREFIX.length(); i < SIGNATURE_AT - 1; i++) {
      if (ALPHABET.indexOf(id.charAt(i)) < 0) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(new String(Base64.getUrlDecoder().decode(id.substring(SIGNATURE_AT)),
          StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
