package io.geminibalance.relay.imagehost;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Aliyun OSS's V1 header signature: {@code Authorization: OSS <AccessKeyId>:<Signature>}, the
 * signature being base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate\n
 * CanonicalizedOSSHeaders CanonicalizedResource)). The canonical {@code x-oss-} headers are
 * lower-cased, sorted, {@code name:value\n} each.
 */
public final class OssSignature {
  private OssSignature() {}

  /** The text that is signed. */
  public static String stringToSign(String verb, String contentMd5, String contentType, String date,
      Map<String, String> ossHeaders, String resource) {
    StringBuilder text = new StringBuilder().append(verb).append('\n').append(contentMd5).append('\n')
        .append(contentType).append('\n').append(date).append('\n');
    Map<String, String> sorted = new TreeMap<>();
    ossHeaders.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith("x-oss-")) {
        sorted.put(lower, value.strip());
      }
    });
    sorted.forEach((name, value) -> text.append(name).append(':').append(value).append('\n'));
    return text.append(resource).toString();
  }

  /** base64(HMAC-SHA1(secret, text)). */
  public static String sign(String secret, String stringToSign) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
    }
  }

  /** The Authorization header's value. */
  public static String authorization(String accessKeyId, String secret, String stringToSign) {
    return "OSS " + accessKeyId + ":" + sign(secret, stringToSign);
  }
}
