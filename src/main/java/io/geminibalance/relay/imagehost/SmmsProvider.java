package io.geminibalance.relay.imagehost;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.time.Instant;

/**
 * SM.MS: {@code POST} multipart {@code smfile} with {@code Authorization: Basic <token>}
 * (gemini-balance's header); the answer is {@code {success, data:{url}}}, or for an image SM.MS
 * already holds {@code {code:"image_repeated", images:"<url>"}}.
 */
public record SmmsProvider(URI uploadUrl, String token) implements HostProvider {
  public static final URI DEFAULT_URL = URI.create("https://sm.ms/api/v2/upload");

  @Override
  public String name() {
    return "smms";
  }

  @Override
  public String toString() {
    return HostProvider.describe(this, uploadUrl);
  }

  @Override
  public HostRequest request(byte[] bytes, String mimeType, String fileName, Instant now) {
    Multipart form = Multipart.file("smfile", fileName, mimeType, bytes);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", form.contentType())
        .add("authorization", "Basic " + token);
    return new HostRequest(HttpMethod.POST, uploadUrl, headers, form.body());
  }

  @Override
  public String url(int status, byte[] body, String fileName) {
    JsonNode answer = HostAnswers.json(status, body);
    String url = answer.path("success").asBoolean(false) ? HostAnswers.httpUrl(answer.path("data").path("url"))
        : "image_repeated".equals(answer.path("code").asText()) ? HostAnswers.httpUrl(answer.path("images")) : null;
    if (status / 100 != 2 || url == null) {
      throw HostAnswers.refused(status, answer, "message");
    }
    return url;
  }
}
