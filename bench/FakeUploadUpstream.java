import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Google's resumable upload endpoint as far as the upload benchmark needs it, run as its own
 * process: {@code java -cp gemini-balance.jar:classes FakeUploadUpstream PORT}.
 *
 * <ul>
 *   <li>{@code POST /upload/v1beta/files} with {@code X-Goog-Upload-Command: start}: a session,
 *       {@code X-Goog-Upload-URL} pointing back here with an {@code upload_id}.</li>
 *   <li>{@code POST} at that URL with {@code upload}, {@code upload, finalize} or {@code finalize}:
 *       the body is counted and dropped as it arrives (never held); the offset must be what was
 *       received so far; a finalize answers {@code {"file": {...}}} with the size received.</li>
 *   <li>{@code GET /health}: 200.</li>
 * </ul>
 * A request without {@code x-goog-api-key} gets 403; a chunk with another key than the start's, 403.
 */
public final class FakeUploadUpstream {
  private static final Map<String, long[]> RECEIVED = new ConcurrentHashMap<>();
  private static final Map<String, String> KEYS = new ConcurrentHashMap<>();
  private static final AtomicLong IDS = new AtomicLong();

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    // Bodies in 64 KiB pieces (Netty's largest read), as cheap to read as Vert.x makes them.
    vertx.createHttpServer(new HttpServerOptions().setMaxChunkSize(64 * 1024).setTcpNoDelay(true)
        .setHandle100ContinueAutomatically(true))
        .requestHandler(FakeUploadUpstream::handle).listen(port, "127.0.0.1").await();
    System.out.println("fake upload upstream on 127.0.0.1:" + port);
  }

  private static void handle(HttpServerRequest req) {
    if (req.path().equals("/health")) {
      req.response().end("ok");
      return;
    }
    String key = req.getHeader("x-goog-api-key");
    if (key == null || !req.path().startsWith("/upload/")) {
      req.response().setStatusCode(key == null ? 403 : 404).end("{\"error\":{\"code\":403,\"message\":\"no key\","
          + "\"status\":\"PERMISSION_DENIED\"}}");
      return;
    }
    String query = req.query() == null ? "" : req.query();
    int at = query.indexOf("upload_id=");
    if (at < 0) {
      req.body().onSuccess(b -> {
        String id = "u" + IDS.incrementAndGet();
        RECEIVED.put(id, new long[1]);
        KEYS.put(id, key);
        req.response().putHeader("x-goog-upload-status", "active")
            .putHeader("x-goog-upload-url", "http://127.0.0.1:" + req.localAddress().port() + req.path()
                + "?upload_id=" + id + "&upload_protocol=resumable")
            .end();
      });
      return;
    }
    int end = query.indexOf('&', at);
    String id = query.substring(at + "upload_id=".length(), end < 0 ? query.length() : end);
    long[] received = RECEIVED.get(id);
    if (received == null || !key.equals(KEYS.get(id))) {
      req.response().setStatusCode(403).end();
      return;
    }
    String command = String.valueOf(req.getHeader("x-goog-upload-command")).replace(" ", "");
    long offset = Long.parseLong(req.getHeader("x-goog-upload-offset"));
    if (offset != received[0]) {
      req.response().setStatusCode(400).end("{\"error\":{\"code\":400,\"message\":\"bad offset\","
          + "\"status\":\"INVALID_ARGUMENT\"}}");
      return;
    }
    req.handler(chunk -> received[0] += chunk.length());
    req.endHandler(v -> {
      if (!command.endsWith("finalize")) {
        req.response().putHeader("x-goog-upload-status", "active")
            .putHeader("x-goog-upload-size-received", Long.toString(received[0])).end();
        return;
      }
      RECEIVED.remove(id);
      KEYS.remove(id);
      req.response().putHeader("x-goog-upload-status", "final").putHeader("content-type", "application/json")
          .end("{\"file\":{\"name\":\"files/" + id + "\",\"sizeBytes\":\"" + received[0]
              + "\",\"state\":\"ACTIVE\",\"expirationTime\":\"2099-01-01T00:00:00Z\"}}");
    });
  }
}
