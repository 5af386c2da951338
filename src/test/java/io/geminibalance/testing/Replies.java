package io.geminibalance.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/** Ready-made replies: Gemini-shaped successes, errors, streams, cuts and delays. */
public final class Replies {
  private Replies() {}

  public static final String TEXT_RESPONSE = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello from fake\"}],"
      + "\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,"
      + "\"candidatesTokenCount\":4,\"totalTokenCount\":7},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}";

  public static final String MODELS = "{\"models\":["
      + model("gemini-2.5-flash") + "," + model("gemini-2.5-pro") + "," + model("text-embedding-004")
      + "," + model("gemini-pro-vision") + "]}";

  static String model(String id) {
    return "{\"name\":\"models/" + id + "\",\"version\":\"001\",\"displayName\":\"" + id
        + "\",\"inputTokenLimit\":1048576,\"outputTokenLimit\":65536,\"supportedGenerationMethods\":"
        + "[\"generateContent\",\"countTokens\"],\"temperature\":1.0,\"topP\":0.95,\"topK\":64}";
  }

  /** A healthy Gemini's answer for whatever was asked. */
  public static Reply healthyDefault(Recorded r) {
    String path = r.path();
    if (path.endsWith(":streamGenerateContent")) {
      return sse(List.of(chunk("Hello"), chunk(" from"), finalChunk(" fake")), 0);
    }
    if (path.endsWith(":countTokens")) {
      return json(200, "{\"totalTokens\":5}");
    }
    if (path.endsWith(":embedContent")) {
      return json(200, "{\"embedding\":{\"values\":[0.1,0.2,0.3]}}");
    }
    if (path.endsWith(":batchEmbedContents")) {
      return json(200, batchEmbeddings(r.bodyText()));
    }
    if (path.endsWith("/models")) {
      return json(200, MODELS);
    }
    if (path.contains("/models/") && !path.contains(":")) {
      return json(200, model(path.substring(path.lastIndexOf('/') + 1)));
    }
    return json(200, TEXT_RESPONSE);
  }

  private static String batchEmbeddings(String body) {
    int count = Math.max(1, body.split("\"content\"", -1).length - 1);
    StringBuilder out = new StringBuilder("{\"embeddings\":[");
    for (int i = 0; i < count; i++) {
      out.append(i == 0 ? "" : ",").append("{\"values\":[0.1,0.2,").append(i).append(".5]}");
    }
    return out.append("]}").toString();
  }

  public static String chunk(String text) {
    return "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + text + "\"}],\"role\":\"model\"},\"index\":0}]}";
  }

  public static String finalChunk(String text) {
    return "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + text + "\"}],\"role\":\"model\"},"
        + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,"
        + "\"candidatesTokenCount\":3,\"totalTokenCount\":6}}";
  }

  public static Reply json(int status, String body) {
    return (r, res, raw) -> res.setStatusCode(status).putHeader("content-type", "application/json; charset=UTF-8")
        .end(body);
  }

  /** A Google error body with optional detail objects (raw JSON). */
  public static Reply googleError(int status, String googleStatus, String message, String... details) {
    return json(status, googleErrorBody(status, googleStatus, message, details));
  }

  public static String googleErrorBody(int status, String googleStatus, String message, String... details) {
    return "{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"status\":\""
        + googleStatus + "\",\"details\":[" + String.join(",", details) + "]}}";
  }

  public static Reply invalidKey() {
    return googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
        "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\","
            + "\"domain\":\"googleapis.com\"}");
  }

  public static Reply rateLimited(String retryDelay) {
    return googleError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.",
        "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaMetric\":"
            + "\"generativelanguage.googleapis.com/generate_content_free_tier_requests\",\"quotaId\":"
            + "\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\",\"quotaValue\":\"10\"}]}",
        "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"" + retryDelay + "\"}");
  }

  /** SSE events ({@code data:} payloads) with CRLF framing, {@code delayMillis} apart. */
  public static Reply sse(List<String> events, long delayMillis) {
    return sseCut(events, delayMillis, -1);
  }

  /** Like {@link #sse} but resets the connection after {@code cutAfter} events (-1: never). */
  public static Reply sseCut(List<String> events, long delayMillis, int cutAfter) {
    return (r, res, raw) -> {
      res.setStatusCode(200).putHeader("content-type", "text/event-stream").setChunked(true);
      Vertx vertx = Vertx.currentContext().owner();
      sendEvents(vertx, res, events, 0, delayMillis, cutAfter);
    };
  }

  private static void sendEvents(Vertx vertx, HttpServerResponse res, List<String> events, int i,
      long delay, int cutAfter) {
    if (res.closed()) {
      return;
    }
    if (i == cutAfter) {
      res.reset();
      return;
    }
    if (i == events.size()) {
      res.end();
      return;
    }
    res.write("data: " + events.get(i) + "\r\n\r\n");
    if (delay > 0) {
      vertx.setTimer(delay, t -> sendEvents(vertx, res, events, i + 1, delay, cutAfter));
    } else {
      sendEvents(vertx, res, events, i + 1, delay, cutAfter);
    }
  }

  /** Raw bytes, written in the given pieces {@code delayMillis} apart (for framing tests). */
  public static Reply rawPieces(String contentType, List<String> pieces, long delayMillis) {
    return (r, res, raw) -> {
      res.setStatusCode(200).putHeader("content-type", contentType).setChunked(true);
      Vertx vertx = Vertx.currentContext().owner();
      writePieces(vertx, res, pieces, 0, delayMillis);
    };
  }

  private static void writePieces(Vertx vertx, HttpServerResponse res, List<String> pieces, int i, long delay) {
    if (res.closed()) {
      return;
    }
    if (i == pieces.size()) {
      res.end();
      return;
    }
    res.write(Buffer.buffer(pieces.get(i)));
    vertx.setTimer(Math.max(1, delay), t -> writePieces(vertx, res, pieces, i + 1, delay));
  }

  /** Answers after {@code millis}. */
  public static Reply delayed(long millis, Reply then) {
    return (r, res, raw) -> Vertx.currentContext().owner().setTimer(millis, t -> {
      if (!res.closed()) {
        then.send(r, res, raw);
      }
    });
  }

  /** Never answers (until the caller gives up). */
  public static Reply hang() {
    return (r, res, raw) -> { };
  }

  /** Closes the connection without answering. */
  public static Reply dropConnection() {
    return (r, res, raw) -> raw.connection().close();
  }

  /**
   * Streams {@code totalBytes} of SSE events as fast as the reader allows, honouring the write
   * queue, and counts what was written so far into {@code written}.
   */
  public static Reply firehose(long totalBytes, java.util.concurrent.atomic.AtomicLong written) {
    String event = "data: " + chunk("x".repeat(4000)) + "\n\n";
    Buffer piece = Buffer.buffer(event);
    return (r, res, raw) -> {
      res.setStatusCode(200).putHeader("content-type", "text/event-stream").setChunked(true);
      pump(res, piece, totalBytes, written);
    };
  }

  private static void pump(HttpServerResponse res, Buffer piece, long total, java.util.concurrent.atomic.AtomicLong written) {
    while (!res.closed() && written.get() < total) {
      res.write(piece);
      written.addAndGet(piece.length());
      if (res.writeQueueFull()) {
        res.drainHandler(v -> pump(res, piece, total, written));
        return;
      }
    }
    if (!res.closed() && !res.ended()) {
      res.end();
    }
  }

  /**
   * A 200 JSON answer sent chunked, without Content-Length: {@code before}, then {@code fillerBytes}
   * of base64 ({@code 'A'}, as an image's data would be) made as the reader takes them, honouring
   * the write queue so the fake holds no more of it than the socket does, then {@code after}. What
   * was written so far is counted into {@code written}. With {@code stallAfter} >= 0 it goes silent
   * (never ends) once that many filler bytes are written.
   */
  public static Reply chunkedJson(String before, long fillerBytes, String after,
      java.util.concurrent.atomic.AtomicLong written, long stallAfter) {
    Buffer piece = Buffer.buffer("A".repeat(8192));
    return (r, res, raw) -> {
      res.setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8").setChunked(true);
      res.write(before);
      written.addAndGet(before.length());
      pumpFiller(res, piece, new long[] {0}, fillerBytes, stallAfter, after, written);
    };
  }

  private static void pumpFiller(HttpServerResponse res, Buffer piece, long[] sent, long total, long stallAfter,
      String after, java.util.concurrent.atomic.AtomicLong written) {
    while (!res.closed() && sent[0] < total) {
      if (stallAfter >= 0 && sent[0] >= stallAfter) {
        return;
      }
      int n = (int) Math.min(piece.length(), total - sent[0]);
      res.write(n == piece.length() ? piece : piece.getBuffer(0, n));
      sent[0] += n;
      written.addAndGet(n);
      if (res.writeQueueFull()) {
        res.drainHandler(v -> pumpFiller(res, piece, sent, total, stallAfter, after, written));
        return;
      }
    }
    if (!res.closed() && !res.ended()) {
      res.end(after);
      written.addAndGet(after.length());
    }
  }
}
