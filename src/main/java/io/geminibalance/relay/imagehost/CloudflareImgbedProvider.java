package io.geminibalance.relay.imagehost;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * CloudFlare ImgBed: {@code POST} multipart {@code file} to
 * {@code CLOUDFLARE_IMGBED_URL?uploadFolder=..&authCode=..&uploadNameType=origin}; the answer is
 * {@code [{"src":"/file/..."}]}, a path on the URL's origin (or a whole URL).
 */
public record CloudflareImgbedProvider(URI uploadUrl, String authCode, String uploadFolder) implements HostProvider {

  @Override
  public String name() {
    return "cloudflare_imgbed";
  }

  @Override
  public String toString() {
    return HostProvider.describe(this, uploadUrl);
  }

  @Override
  public HostRequest request(byte[] bytes, String mimeType, String fileName, Instant now) {
    Multipart form = Multipart.file("file", fileName, mimeType, bytes);
    StringBuilder query = new StringBuilder();
    if (uploadFolder != null && !uploadFolder.isBlank()) {
      query.append("uploadFolder=").append(encode(uploadFolder)).append('&');
    }
    query.append("authCode=").append(encode(authCode)).append("&uploadNameType=origin");
    URI target = URI.create(uploadUrl + (uploadUrl.getRawQuery() == null ? "?" : "&") + query);
    return new HostRequest(HttpMethod.POST, target,
        MultiMap.caseInsensitiveMultiMap().add("content-type", form.contentType()), form.body());
  }

  @Override
  public String url(int status, byte[] body, String fileName) {
    JsonNode answer = HostAnswers.json(status, body);
    String src = answer.path(0).path("src").asText("");
    if (status / 100 != 2 || src.isEmpty()) {
      throw HostAnswers.refused(status, answer, "error", "message");
    }
    if (src.startsWith("https://") || src.startsWith("http://")) {
      return src;
    }
    if (!src.startsWith("/")) {
      throw new UploadRefused("HTTP " + status + ", an src that is neither a URL nor a path");
    }
    return uploadUrl.getScheme() + "://" + uploadUrl.getRawAuthority() + src;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
