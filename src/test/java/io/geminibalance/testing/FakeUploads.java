package io.geminibalance.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's media endpoints for a {@link FakeGemini}: resumable uploads ({@code /upload/...}) and
 * file downloads ({@code /download/...}), behaving as Google does where the gateway depends on it.
 * A session belongs to the key that started it: a chunk with another key is a 403, as at Google.
 * Bodies are streamed through a digest, never held (a file's bytes are kept for downloads only up
 * to {@link #KEEP_BYTES}), so a test can push hundreds of MiB through in bounded memory. Every
 * request is recorded with the key it came with.
 */
public final class FakeUploads {
  /** Files up to this size keep their bytes, for downloads; larger ones keep only their digest. */
  public static final int KEEP_BYTES = 1024 * 1024;

  private final FakeGemini fake;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
  private final List<Step> steps = new CopyOnWriteArrayList<>();
  private final List<io.vertx.core.http.HttpVersion> versions = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile long pauseAt = -1;
  private volatile HttpServerRequest paused;
  private final java.util.concurrent.CompletableFuture<Long> pausedAt = new java.util.concurrent.CompletableFuture<>();

  /** One request at the media endpoints: what it was and which key it came with. */
  public record Step(String method, String path, String query, String command, String key, int status) {}

  /** A finished upload. */
  public record StoredFile(String name, String key, long size, String sha256, Buffer bytes) {}

  private static final class Session {
    final String id;
    final String key;
    final String displayName;
    final String mimeType;
    final String store;
    MessageDigest digest = sha256();
    Buffer kept = Buffer.buffer();
    long received;
    boolean done;

    Session(String id, String key, String displayName, String mimeType, String store) {
      this.id = id;
      this.key = key;
      this.displayName = displayName;
      this.mimeType = mimeType;
      this.store = store;
    }
  }

  private FakeUploads(FakeGemini fake) {
    this.fake = fake;
  }

  /** Mounts the media endpoints on {@code fake}. */
  public static FakeUploads on(FakeGemini fake) {
    FakeUploads uploads = new FakeUploads(fake);
    fake.streaming("/upload/", uploads::upload);
    fake.streaming("/download/", uploads::download);
    return uploads;
  }

  public List<Step> steps() {
    return List.copyOf(steps);
  }

  /** The HTTP version of each request, in order. */
  public List<io.vertx.core.http.HttpVersion> versions() {
    return List.copyOf(versions);
  }

  public Map<String, StoredFile> files() {
    return Map.copyOf(files);
  }

  /**
   * Stops reading an upload once {@code bytes} of it have arrived (as a slow Google would), until
   * {@link #resumeReading}; the future completes with the bytes received by then.
   */
  public java.util.concurrent.CompletableFuture<Long> pauseReadingAfter(long bytes) {
    pauseAt = bytes;
    return pausedAt;
  }

  public void resumeReading() {
    pauseAt = -1;
    HttpServerRequest request = paused;
    if (request != null) {
      request.resume();
    }
  }

  public void clear() {
    steps.clear();
    versions.clear();
    sessions.clear();
    files.clear();
  }

  private void upload(HttpServerRequest req) {
    String key = req.getHeader("x-goog-api-key");
    String command = req.getHeader("x-goog-upload-command");
    String uploadId = param(req.query(), "upload_id");
    if (uploadId == null) {
      req.body().onSuccess(body -> start(req, key, command, body));
      return;
    }
    Session session = sessions.get(uploadId);
    if (session == null || session.done) {
      reply(req, key, command, 404, error(404, "NOT_FOUND", "upload session not found"));
      return;
    }
    if (!session.key.equals(key)) {
      reply(req, key, command, 403, error(403, "PERMISSION_DENIED", "the upload belongs to another project"));
      return;
    }
    String c = command == null ? "" : command.replace(" ", "");
    if (c.equals("query")) {
      req.body().onSuccess(b -> status(req, key, command, session, 200));
      return;
    }
    long offset = Long.parseLong(req.getHeader("x-goog-upload-offset"));
    if (offset != session.received) {
      reply(req, key, command, 400, error(400, "INVALID_ARGUMENT", "offset " + offset + " does not match "
          + session.received));
      return;
    }
    long[] count = {0};
    // Bytes of a request that breaks off are not kept (as if Google persisted none of them).
    MessageDigest digest = copy(session.digest);
    Buffer[] kept = {session.kept == null ? null : session.kept.copy()};
    req.handler(chunk -> {
      count[0] += chunk.length();
      digest.update(chunk.getBytes());
      if (kept[0] != null && session.received + count[0] <= KEEP_BYTES) {
        kept[0].appendBuffer(chunk);
      } else {
        kept[0] = null;
      }
      long at = pauseAt;
      if (at >= 0 && session.received + count[0] >= at && paused == null) {
        paused = req;
        req.pause();
        pausedAt.complete(session.received + count[0]);
      }
    });
    req.endHandler(v -> {
      session.received += count[0];
      session.digest = digest;
      session.kept = kept[0];
      if (!c.endsWith("finalize")) {
        status(req, key, command, session, 200);
        return;
      }
      session.done = true;
      if (session.store != null) {
        String op = session.store + "/upload/operations/op-" + session.id;
        reply(req, key, command, 200, Buffer.buffer("{\"name\":\"" + op + "\",\"done\":false}"), "final");
        return;
      }
      String name = "files/f" + session.id;
      String sha = HexFormat.of().formatHex(session.digest.digest());
      files.put(name, new StoredFile(name, key, session.received, sha, session.kept));
      String file = "{\"file\":{\"name\":\"" + name + "\",\"displayName\":\"" + session.displayName
          + "\",\"mimeType\":\"" + session.mimeType + "\",\"sizeBytes\":\"" + session.received
          + "\",\"createTime\":\"" + Instant.now() + "\",\"expirationTime\":\""
          + Instant.now().plusSeconds(48 * 3600) + "\",\"sha256Hash\":\"" + sha + "\",\"uri\":\""
          + fake.baseUrl() + "/" + name + "\",\"state\":\"ACTIVE\",\"source\":\"UPLOADED\"}}";
      reply(req, key, command, 200, Buffer.buffer(file), "final");
    });
  }

  private void start(HttpServerRequest req, String key, String command, Buffer body) {
    if (!"resumable".equals(req.getHeader("x-goog-upload-protocol")) || !"start".equals(command)) {
      reply(req, key, command, 400, error(400, "INVALID_ARGUMENT", "not a resumable start"));
      return;
    }
    String store = null;
    if (req.path().contains("/fileSearchStores/")) {
      String rest = req.path().substring(req.path().indexOf("/fileSearchStores/") + 1);
      store = rest.substring(0, rest.indexOf(':'));
    }
    String id = "g" + ids.incrementAndGet() + "x" + Long.toHexString(System.nanoTime());
    String display = body.length() > 0 ? body.toJsonObject().getJsonObject("file", new io.vertx.core.json.JsonObject())
        .getString("displayName", "") : "";
    sessions.put(id, new Session(id, key, display,
        req.getHeader("x-goog-upload-header-content-type") == null ? "application/octet-stream"
            : req.getHeader("x-goog-upload-header-content-type"), store));
    String url = fake.origin() + req.path() + "?upload_id=" + id + "&upload_protocol=resumable";
    HttpServerResponse response = req.response();
    // Google's control URL, with the key in it as a proxy might put it: must never reach a client.
    response.putHeader("x-goog-upload-control-url", url + "&key=" + key);
    response.putHeader("x-goog-upload-url", url);
    response.putHeader("x-goog-upload-chunk-granularity", "8388608");
    response.putHeader("x-guploader-uploadid", id);
    reply(req, key, command, 200, Buffer.buffer(), "active");
  }

  private void status(HttpServerRequest req, String key, String command, Session session, int status) {
    req.response().putHeader("x-goog-upload-size-received", Long.toString(session.received));
    reply(req, key, command, status, Buffer.buffer(), session.done ? "final" : "active");
  }

  private void download(HttpServerRequest req) {
    String key = req.getHeader("x-goog-api-key");
    String path = req.path();
    String name = path.substring(path.indexOf("/files/") + 1, path.lastIndexOf(":download"));
    StoredFile file = files.get(name);
    req.body().onSuccess(b -> {
      if (file == null || !"alt=media".equals(req.query())) {
        reply(req, key, null, 404, error(404, "NOT_FOUND", "no such file"));
      } else if (!file.key().equals(key)) {
        reply(req, key, null, 403, error(403, "PERMISSION_DENIED", "the file belongs to another project"));
      } else {
        req.response().putHeader("content-type", "application/octet-stream");
        req.response().putHeader("content-disposition", "attachment");
        req.response().putHeader("x-goog-upload-control-url", fake.origin() + "/x?key=" + key);
        reply(req, key, null, 200, file.bytes(), null);
      }
    });
  }

  private void reply(HttpServerRequest req, String key, String command, int status, Buffer body) {
    reply(req, key, command, status, body, null);
  }

  private void reply(HttpServerRequest req, String key, String command, int status, Buffer body,
      String uploadStatus) {
    steps.add(new Step(req.method().name(), req.path(), req.query(), command, key, status));
    versions.add(req.version());
    HttpServerResponse response = req.response().setStatusCode(status);
    if (uploadStatus != null) {
      response.putHeader("x-goog-upload-status", uploadStatus);
    }
    if (status >= 400) {
      response.putHeader("content-type", "application/json; charset=UTF-8");
    }
    response.end(body);
  }

  private static Buffer error(int code, String status, String message) {
    return Buffer.buffer("{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status
        + "\"}}");
  }

  private static String param(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return null;
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
