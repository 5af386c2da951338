package io.geminibalance.requestlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.config.SettingsCatalog;
import java.nio.charset.StandardCharsets;

/**
 * The part of a request body an error-log row keeps (ERROR_LOG_RECORD_REQUEST_BODY): the whole
 * body up to a cap, else its head inside a JSON object that says so,
 * {@code {"truncated":{"keptBytes":16380,"totalBytes":5242880},"head":"{\"contents\":..."}}, which
 * is valid JSON for gemini-balance's MySQL column of type JSON. The caller reads only the head's
 * bytes from the body, never the whole body as text.
 */
public final class RequestBodyExcerpt {
  /** ERROR_LOG_REQUEST_BODY_MAX_KB's default, in bytes. */
  public static final int DEFAULT_MAX_BYTES =
      1024 * SettingsCatalog.definition("ERROR_LOG_REQUEST_BODY_MAX_KB").defaultInt();
  /**
   * A run of token characters (letters, digits, {@code _}, {@code -}) this long or shorter at the
   * cut is dropped: it may be the first part of a key or token cut in two, which the redactor
   * would no longer recognise. Longer runs are data (base64), not credentials.
   */
  private static final int TOKEN_RUN_MAX = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  private RequestBodyExcerpt() {}

  /**
   * @param head the body's first bytes: all of them, or at least the cap's worth
   * @param totalBytes the body's whole length
   */
  public static String of(byte[] head, long totalBytes) {
    if (head.length >= totalBytes) {
      return new String(head, StandardCharsets.UTF_8);
    }
    int end = withoutTrailingToken(head, characterBoundary(head, head.length));
    ObjectNode wrapper = JSON.createObjectNode();
    wrapper.putObject("truncated").put("keptBytes", end).put("totalBytes", totalBytes);
    wrapper.put("head", new String(head, 0, end, StandardCharsets.UTF_8));
    try {
      return JSON.writeValueAsString(wrapper);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Where the last whole UTF-8 character before {@code end} ends. */
  private static int characterBoundary(byte[] bytes, int end) {
    int lead = end - 1;
    while (lead >= 0 && end - lead < 4 && (bytes[lead] & 0xC0) == 0x80) {
      lead--;
    }
    if (lead < 0) {
      return 0;
    }
    int b = bytes[lead] & 0xFF;
    int length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    return lead + length <= end ? end : lead;
  }

  private static int withoutTrailingToken(byte[] bytes, int end) {
    int start = end;
    while (start > 0 && end - start <= TOKEN_RUN_MAX && tokenByte(bytes[start - 1])) {
      start--;
    }
    return end - start <= TOKEN_RUN_MAX ? start : end;
  }

  private static boolean tokenByte(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '-';
  }
}
