package io.geminibalance.protocol.openai;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed RFC 2397 {@code data:} URL, with its payload always as base64 (what Gemini's
 * {@code inlineData} wants). Non-base64 data URLs are percent-decoded and re-encoded.
 */
record DataUrl(String mimeType, String base64) {

  private static final String SCHEME = "data:";

  static boolean isDataUrl(String url) {
    return url.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  /** Parses a data URL; empty when it is not one, has no comma, or has a broken %-escape. */
  static Optional<DataUrl> parse(String url) {
    if (!isDataUrl(url)) {
      return Optional.empty();
    }
    int comma = url.indexOf(',');
    if (comma < 0) {
      return Optional.empty();
    }
    // A header of only semicolons ("data:;,x") splits into no parts at all.
    String[] header = url.substring(SCHEME.length(), comma).split(";");
    String mime = header.length == 0 || header[0].isBlank() ? "text/plain" : normalizeMime(header[0]);
    boolean base64 = header.length > 1 && header[header.length - 1].equalsIgnoreCase("base64");
    String payload = url.substring(comma + 1);
    if (base64) {
      return Optional.of(new DataUrl(mime, payload.strip()));
    }
    return reencode(payload).map(data -> new DataUrl(mime, data));
  }

  /** Lower-cases a MIME type and fixes the common non-standard {@code image/jpg}. */
  static String normalizeMime(String mime) {
    String lower = mime.strip().toLowerCase(Locale.ROOT);
    return lower.equals("image/jpg") ? "image/jpeg" : lower;
  }

  /** Empty for a broken %-escape ({@code %}, {@code %z1}), which URLDecoder refuses with an exception. */
  private static Optional<String> reencode(String percentEncoded) {
    String decoded;
    try {
      decoded = URLDecoder.decode(percentEncoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.of(Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8)));
  }
}
