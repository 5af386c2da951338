package io.geminibalance.relay.imagehost;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Names of uploaded images: {@code YYYY/MM/DD/<16 hex>.<ext>}, the day in UTC. */
public final class ImageFileNames {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private ImageFileNames() {}

  public static String of(Instant now, String mimeType) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return DAY.format(now) + "/" + HexFormat.of().formatHex(random) + "." + extension(mimeType);
  }

  static String extension(String mimeType) {
    return switch (mimeType == null ? "" : mimeType) {
      case "image/jpeg", "image/jpg" -> "jpg";
      case "image/webp" -> "webp";
      case "image/gif" -> "gif";
      default -> "png";
    };
  }
}
