package io.geminibalance.relay.imagehost;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A {@code multipart/form-data} body of one file field (RFC 7578), which is all the hosts take.
 * Vert.x core has no encoder for a body held in memory and the web client brings no cap on the
 * host's answer, so the few lines are here.
 */
record Multipart(String contentType, Buffer body) {
  private static final SecureRandom RANDOM = new SecureRandom();

  static Multipart file(String field, String fileName, String mimeType, byte[] bytes) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    String boundary = "----gemini-balance-" + HexFormat.of().formatHex(random);
    String baseName = fileName.substring(fileName.lastIndexOf('/') + 1);
    String head = "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + baseName + "\"\r\n"
        + "Content-Type: " + mimeType + "\r\n\r\n";
    Buffer body = Buffer.buffer(head.length() + bytes.length + boundary.length() + 8)
        .appendString(head, StandardCharsets.UTF_8.name())
        .appendBytes(bytes)
        .appendString("\r\n--" + boundary + "--\r\n");
    return new Multipart("multipart/form-data; boundary=" + boundary, body);
  }
}
