package io.geminibalance.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.ReadStream;

/**
 * One request the gateway wants answered upstream, independent of which key sends it.
 *
 * @param path path below BASE_URL, starting with {@code /} (e.g. {@code /models/x:generateContent})
 * @param query the encoded query string without {@code ?}, already stripped of the client's key
 * @param headers headers offered for forwarding, typically the client's own request headers (read,
 *     never changed); the upstream client leaves out what {@link HeaderPolicy} never forwards
 * @param body the request body, or {@code null}
 * @param model the base model the attempt counts against in the pool
 * @param keyPlacement how the pool key is sent
 * @param operation a short name of the operation for logs (gemini-balance's error-type names)
 * @param readsUsage the surface reads the answer's token counts: a successful attempt is logged
 *     when it reports them ({@link UpstreamResult.Answered#log}), not when the headers arrive
 * @param media for Google's upload and download endpoints, which live beside the API rather than
 *     under BASE_URL: {@code path} is then below BASE_URL's origin; {@code null} for API calls
 * @param requestedModel the name the client asked for (after MODEL_ALIASES) when it stands for
 *     {@code model} without being it, a virtual name such as {@code gemini-2.5-pro-search}: a
 *     managed token's model list is matched against both; otherwise {@code model}
 */
public record UpstreamCall(
    HttpMethod method,
    String path,
    String query,
    MultiMap headers,
    Buffer body,
    String model,
    boolean stream,
    KeyPlacement keyPlacement,
    String operation,
    boolean readsUsage,
    Media media,
    String requestedModel) {

  public UpstreamCall {
    if (requestedModel == null) {
      requestedModel = model;
    }
  }

  /** A call named as its {@code model}, with or without a media body. */
  public UpstreamCall(HttpMethod method, String path, String query, MultiMap headers, Buffer body, String model,
      boolean stream, KeyPlacement keyPlacement, String operation, boolean readsUsage, Media media) {
    this(method, path, query, headers, body, model, stream, keyPlacement, operation, readsUsage, media, null);
  }

  /** A call whose answer's token counts are read or not, under BASE_URL. */
  public UpstreamCall(HttpMethod method, String path, String query, MultiMap headers, Buffer body, String model,
      boolean stream, KeyPlacement keyPlacement, String operation, boolean readsUsage) {
    this(method, path, query, headers, body, model, stream, keyPlacement, operation, readsUsage, null);
  }

  /** A call whose successful attempts are logged as their headers arrive (no token counts). */
  public UpstreamCall(HttpMethod method, String path, String query, MultiMap headers, Buffer body, String model,
      boolean stream, KeyPlacement keyPlacement, String operation) {
    this(method, path, query, headers, body, model, stream, keyPlacement, operation, false);
  }

  /** Where the upstream key goes. */
  public enum KeyPlacement {
    /** {@code x-goog-api-key}: the native API. */
    GOOG_API_KEY_HEADER,
    /** {@code Authorization: Bearer}: Google's OpenAI-compatible API. */
    BEARER
  }

  /**
   * What a call on Google's media endpoints carries besides the client's allow-listed headers.
   *
   * @param protocolHeaders the resumable-upload headers ({@code X-Goog-Upload-*}) the gateway
   *     checked and rebuilt, sent as they are; empty for a download
   * @param body a body streamed through as it arrives (an upload chunk), never held whole, or
   *     {@code null} (the call's {@code body} then applies); a call with one is never retried
   * @param bodyLength the streamed body's length when known (Content-Length), else -1
   */
  public record Media(MultiMap protocolHeaders, ReadStream<Buffer> body, long bodyLength) {}

  /** This call, asked for under the virtual name {@code requested} (null: its model), which stands for its model. */
  public UpstreamCall requestedAs(String requested) {
    return new UpstreamCall(method, path, query, headers, body, model, stream, keyPlacement, operation, readsUsage,
        media, requested);
  }

  public String pathAndQuery() {
    return query == null || query.isEmpty() ? path : path + "?" + query;
  }
}
