package io.geminibalance.relay.imagehost;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * PicGo / Chevereto: {@code POST} multipart {@code source} to PICGO_API_URL. picgo.net takes the
 * key as {@code X-API-Key}; another URL (a self-hosted Chevereto) as {@code ?key=}. Answers are
 * Chevereto's {@code {status_code, image:{url}}} or {@code {success, result:[url]}}.
 */
public record PicgoProvider(URI apiUrl, String apiKey) implements HostProvider {
  public static final String DEFAULT_URL = "https://www.picgo.net/api/1/upload";

  @Override
  public String name() {
    return "picgo";
  }

  @Override
  public String toString() {
    return HostProvider.describe(this, apiUrl);
  }

  @Override
  public HostRequest request(byte[] bytes, String mimeType, String fileName, Instant now) {
    Multipart form = Multipart.file("source", fileName, mimeType, bytes);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", form.contentType())
        .add("accept", "application/json");
    URI target = apiUrl;
    if (apiUrl.toString().equals(DEFAULT_URL)) {
      headers.add("x-api-key", apiKey);
    } else {
      String key = "key=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8);
      target = URI.create(apiUrl + (apiUrl.getRawQuery() == null ? "?" : "&") + key);
    }
    return new HostRequest(HttpMethod.POST, target, headers, form.body());
  }

  @Override
  public String url(int status, byte[] body, String fileName) {
    JsonNode answer = HostAnswers.json(status, body);
    String url = HostAnswers.httpUrl(answer.path("image").path("url"));
    if (url == null && answer.path("success").asBoolean(false)) {
      url = HostAnswers.httpUrl(answer.path("result").path(0));
    }
    if (status / 100 != 2 || url == null) {
      throw HostAnswers.refused(status, answer, "error", "status_txt", "message");
    }
    return url;
  }
}
