package io.geminibalance.relay;

import io.geminibalance.keypool.RateLimits;
import io.geminibalance.protocol.gemini.GoogleQuery;
import io.geminibalance.protocol.gemini.NativePath;
import io.geminibalance.protocol.gemini.ResourceKind;
import io.geminibalance.protocol.gemini.ResumableUpload;
import io.geminibalance.protocol.gemini.ResumableUpload.Command;
import io.geminibalance.protocol.gemini.ResumableUpload.MediaRoot;
import io.geminibalance.protocol.gemini.UploadedResource;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.ResourceRecord;
import io.geminibalance.storage.UploadSession;
import io.geminibalance.storage.UploadSessionStore;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.upstream.HeaderPolicy;
import io.geminibalance.upstream.KeyChoice;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files going through the gateway: resumable uploads (to the Files API and into file search
 * stores) and downloads of files' bytes. Uploads are streamed to Google as they arrive, never
 * held whole; they use no model's quota (the pool's unmetered bucket), and MAX_UPLOAD_MB caps
 * both the size a client declares and the bytes it actually sends.
 *
 * <p>An upload starts on a key in rotation; Google's upload URL (its own session) stays in the
 * database with that key's fingerprint and the client's id, and the client gets the gateway's URL
 * with an opaque id of the gateway's instead. Every chunk then authenticates again, must come from
 * the same client, and goes with the key that started the upload (pinned: never another key, which
 * Google would refuse). The finished upload's File (or operation) is recorded with that key and
 * client, so that later requests naming it go with that key too.
 */
public final class FileTransferRelay {
  private static final Logger LOG = LoggerFactory.getLogger(FileTransferRelay.class);

  /** Google keeps an upload session for about a week; ours ends then too. */
  static final long SESSION_LIFETIME_MILLIS = Duration.ofDays(7).toMillis();
  /** Expired sessions are deleted at most this often, by the next upload to start. */
  private static final long PURGE_EVERY_MILLIS = 60_000;
  /**
   * Uploads one client may have open at once: each is a row kept for a week, so a client that
   * starts uploads and never finishes them must not grow the table without end.
   */
  static final int MAX_OPEN_UPLOADS = 100;
  /** Longest X-Goog-Upload-Header-Content-Type or -File-Name forwarded. */
  private static final int MAX_HEADER_CHARS = 1024;
  private static final int ID_BYTES = 32;
  private static final Pattern FILE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final Pattern STORE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final String NO_SUCH_UPLOAD = "No such upload: its upload_id is unknown, expired, or belongs to"
      + " another client.";

  static final String OPERATION_UPLOAD = "gemini-file-upload";
  static final String OPERATION_STORE_UPLOAD = "gemini-file-search-upload";
  static final String OPERATION_DOWNLOAD = "gemini-file-download";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final UpstreamExecutor executor;
  private final Function<String, UpstreamExecutor> pools;
  private final ResourceRegistry registry;
  private final UploadSessionStore sessions;
  private final LongSupplier maxUploadMb;
  private final LongSupplier clock;
  private final AtomicLong lastPurge = new AtomicLong();

  /**
   * Answers a request refused before its body was read, in Google's shape, without reading the
   * body (the route closes the connection or resets the stream).
   */
  @FunctionalInterface
  public interface Refusal {
    void refuse(int status, String message);
  }

  /**
   * @param executor the Gemini pool's, where uploads go
   * @param pools every pool's executor by name ({@link ResourceRecord#pool}), null for an unknown name:
   *     a file is downloaded through the pool that recorded it
   * @param maxUploadMb MAX_UPLOAD_MB, read per request (a live setting)
   */
  public FileTransferRelay(UpstreamExecutor executor, Function<String, UpstreamExecutor> pools,
      ResourceRegistry registry, UploadSessionStore sessions, LongSupplier maxUploadMb, LongSupplier clock) {
    this.executor = executor;
    this.pools = pools;
    this.registry = registry;
    this.sessions = sessions;
    this.maxUploadMb = maxUploadMb;
    this.clock = clock;
  }

  /** Whether a request at an upload path is a chunk (it names an upload) rather than a start. */
  public static boolean isChunk(HttpServerRequest request) {
    return ResumableUpload.uploadId(request.query()) != null;
  }

  // ---------------------------------------------------------------- start

  /**
   * Starts an upload (the body, small JSON metadata, has been read, so refusals are plain answers).
   *
   * @param origin the gateway's origin as the client addressed it ({@code https://host}), or null
   * @param storeId for {@code :uploadToFileSearchStore}, the store's id; null for the Files API
   */
  public void start(RoutingContext rc, RequestContext ctx, String origin, String storeId) {
    HttpServerRequest request = rc.request();
    HttpServerResponse response = rc.response();
    Refusal refusal = (status, message) -> Responses.gemini(response, status, message);
    rc.response().closeHandler(v -> ctx.clientClosed());
    if (request.method() != HttpMethod.POST) {
      refusal.refuse(405, "An upload starts with POST.");
      return;
    }
    String protocol = request.getHeader("x-goog-upload-protocol");
    if (protocol == null || !protocol.strip().equalsIgnoreCase("resumable")) {
      refusal.refuse(400, "Only resumable uploads are supported: send X-Goog-Upload-Protocol: resumable and"
          + " X-Goog-Upload-Command: start.");
      return;
    }
    if (!ResumableUpload.isStart(request.getHeader("x-goog-upload-command"))) {
      refusal.refuse(400, "An upload starts with X-Goog-Upload-Command: start; its chunks go to the upload URL"
          + " the start answers with (it carries an upload_id).");
      return;
    }
    if (storeId != null && !STORE_ID.matcher(storeId).matches()) {
      refusal.refuse(400, "Not a file search store id.");
      return;
    }
    long declared;
    try {
      declared = ResumableUpload.size("X-Goog-Upload-Header-Content-Length",
          request.getHeader("x-goog-upload-header-content-length"), false);
    } catch (ResumableUpload.Refused refused) {
      refusal.refuse(refused.status(), refused.getMessage());
      return;
    }
    long max = maxUploadBytes();
    if (declared > max) {
      refusal.refuse(413, "The declared size, " + declared + " bytes, is larger than " + limitText() + ".");
      return;
    }
    if (origin == null) {
      refusal.refuse(400, "The request names no host (Host header), so the gateway cannot give an upload URL.");
      return;
    }
    MultiMap protocolHeaders = MultiMap.caseInsensitiveMultiMap()
        .set("x-goog-upload-protocol", "resumable")
        .set("x-goog-upload-command", "start");
    if (declared >= 0) {
      protocolHeaders.set("x-goog-upload-header-content-length", Long.toString(declared));
    }
    copyPrintable(request, "x-goog-upload-header-content-type", protocolHeaders);
    copyPrintable(request, "x-goog-upload-file-name", protocolHeaders);
    maybePurge();
    MediaRoot root = MediaRoot.of(executor.baseUrl());
    Buffer metadata = rc.body() == null || rc.body().buffer() == null ? Buffer.buffer() : rc.body().buffer();
    registry.owner(ctx.client()).onComplete(ownerResult -> {
      if (ownerResult.failed()) {
        storageDown(rc, ctx, ownerResult.cause());
        return;
      }
      String owner = ownerResult.result();
      sessions.countOpen(owner, clock.getAsLong()).whenComplete((open, err) -> rc.vertx().runOnContext(v -> {
        if (err != null) {
          storageDown(rc, ctx, err);
        } else if (open >= MAX_OPEN_UPLOADS) {
          rc.response().putHeader("retry-after", "60");
          Responses.gemini(rc.response(), 429, "This client has " + open + " uploads open (at most "
              + MAX_OPEN_UPLOADS + "): finish or cancel some first; unfinished ones expire after 7 days.");
        } else {
          startFor(rc, ctx, owner, storeId, root, request, metadata, protocolHeaders, declared, origin);
        }
      }));
    });
  }

  /** Starts the upload for {@code owner}, below its cap of open uploads. */
  private void startFor(RoutingContext rc, RequestContext ctx, String owner, String storeId, MediaRoot root,
      HttpServerRequest request, Buffer metadata, MultiMap protocolHeaders, long declared, String origin) {
    {
      if (storeId == null) {
        UpstreamCall call = new UpstreamCall(HttpMethod.POST, root.filesUpload(),
            GoogleQuery.withoutCredentials(request.query()), request.headers(), metadata, RateLimits.UNMETERED,
            false, KeyPlacement.GOOG_API_KEY_HEADER, OPERATION_UPLOAD, false,
            new UpstreamCall.Media(protocolHeaders, null, -1));
        startUpstream(rc, ctx, call, KeyChoice.ANY, owner, declared, UploadSession.Kind.FILE, null, origin);
        return;
      }
      String storeName = ResourceKind.FILE_SEARCH_STORE.collection() + "/" + storeId;
      registry.find(storeName).onComplete(found -> {
        if (found.failed()) {
          storageDown(rc, ctx, found.cause());
          return;
        }
        Optional<ResourceRecord> store = visible(found.result(), owner);
        if (store.isEmpty()) {
          Responses.gemini(rc.response(), 404, storeName + " not found (or not created through this gateway).");
          return;
        }
        UpstreamCall call = new UpstreamCall(HttpMethod.POST, root.storeUpload(storeId),
            GoogleQuery.withoutCredentials(request.query()), request.headers(), metadata, RateLimits.UNMETERED,
            false, KeyPlacement.GOOG_API_KEY_HEADER, OPERATION_STORE_UPLOAD, false,
            new UpstreamCall.Media(protocolHeaders, null, -1));
        startUpstream(rc, ctx, call, new KeyChoice.Pinned(store.get().keyFingerprint(), storeName), owner,
            declared, UploadSession.Kind.FILE_SEARCH_STORE, storeName, origin);
      });
    }
  }

  private void startUpstream(RoutingContext rc, RequestContext ctx, UpstreamCall call, KeyChoice keys,
      String owner, long declared, UploadSession.Kind kind, String storeName, String origin) {
    executor.execute(call, ctx, keys).onComplete(ar -> Responses.whenAnswered(rc.response(), ctx, ar,
        answered -> afterStart(rc, ctx, answered.response(), KeyIdentity.of(answered.lease().key()), owner, declared,
            kind, storeName, origin)));
  }

  private void afterStart(RoutingContext rc, RequestContext ctx, HttpClientResponse upstream, KeyIdentity key,
      String owner, long declared, UploadSession.Kind kind, String storeName, String origin) {
    String target = MediaRoot.of(executor.baseUrl()).uploadTarget(upstream.getHeader("x-goog-upload-url"));
    BodyRelay.collect(upstream, executor.bodyIdleTimeoutMillis()).onComplete(body -> {
      if (body.failed()) {
        Responses.gemini(rc.response(), 502, "Google's answer to the upload start broke off.");
        return;
      }
      if (target == null) {
        Responses.gemini(rc.response(), 502, "Google started the upload but gave no usable upload URL.");
        return;
      }
      String id = newUploadId();
      long now = clock.getAsLong();
      UploadSession session = new UploadSession(hash(id), target, key.fingerprint(), key.last4(), owner, declared,
          kind, storeName, now, now + SESSION_LIFETIME_MILLIS);
      onContext(sessions.create(session)).onComplete(created -> answerOnceStored(rc, ctx, created, upstream,
          body.result(), ResumableUpload.gatewayUploadUrl(origin, id)));
    });
  }

  // ---------------------------------------------------------------- chunks

  /**
   * A request at an upload URL: bytes, finalize, query or cancel. Checked from its headers and the
   * stored session before a byte of its body is read; the bytes are then streamed to Google.
   */
  public void chunk(RoutingContext rc, RequestContext ctx, Refusal refusal) {
    HttpServerRequest request = rc.request();
    rc.response().closeHandler(v -> ctx.clientClosed());
    if (request.method() != HttpMethod.POST && request.method() != HttpMethod.PUT) {
      refusal.refuse(405, "Upload chunks are sent with POST or PUT.");
      return;
    }
    Command command;
    long offset = -1;
    long length;
    try {
      command = ResumableUpload.command(request.getHeader("x-goog-upload-command"));
      if (command.needsOffset()) {
        offset = ResumableUpload.size("X-Goog-Upload-Offset", request.getHeader("x-goog-upload-offset"), true);
      }
      length = ResumableUpload.size("Content-Length", request.getHeader("content-length"), false);
    } catch (ResumableUpload.Refused refused) {
      refusal.refuse(refused.status(), refused.getMessage());
      return;
    }
    if (!command.carriesBytes() && (length > 0 || request.headers().contains("transfer-encoding"))) {
      refusal.refuse(400, "X-Goog-Upload-Command: " + command.header() + " carries no bytes; send them with"
          + " upload (or 'upload, finalize').");
      return;
    }
    String expect = request.getHeader("expect");
    if (expect != null && !expect.strip().equalsIgnoreCase("100-continue")) {
      refusal.refuse(417, "Only 'Expect: 100-continue' is supported.");
      return;
    }
    String id = ResumableUpload.uploadId(request.query());
    if (!ResumableUpload.plausibleUploadId(id)) {
      refusal.refuse(404, NO_SUCH_UPLOAD);
      return;
    }
    long chunkOffset = offset;
    registry.owner(ctx.client()).compose(owner -> onContext(sessions.find(hash(id)))
        .map(found -> found.filter(s -> !s.expiredAt(clock.getAsLong()) && s.owner().equals(owner))))
        .onComplete(found -> {
          if (found.failed()) {
            LOG.warn("request {}: upload sessions unavailable: {}", ctx.requestId(), found.cause().toString());
            refusal.refuse(503, "The gateway's database is unavailable; the upload can be resumed later.");
          } else if (found.result().isEmpty()) {
            refusal.refuse(404, NO_SUCH_UPLOAD);
          } else {
            sendChunk(rc, ctx, refusal, found.result().get(), command, chunkOffset, length);
          }
        });
  }

  private void sendChunk(RoutingContext rc, RequestContext ctx, Refusal refusal, UploadSession session,
      Command command, long offset, long length) {
    HttpServerRequest request = rc.request();
    long max = maxUploadBytes();
    boolean declaredLimit = session.declaredBytes() >= 0 && session.declaredBytes() <= max;
    long limit = declaredLimit ? session.declaredBytes() : max;
    String limitText = declaredLimit ? "the size declared at its start (" + limit + " bytes)" : limitText();
    if (command.needsOffset() && offset > limit) {
      refusal.refuse(400, "X-Goog-Upload-Offset " + offset + " is past the end of the upload (" + limitText + ").");
      return;
    }
    if (command.carriesBytes() && length >= 0 && offset + length > limit) {
      refusal.refuse(413, "This chunk would take the upload past " + limitText + ".");
      return;
    }
    MultiMap protocolHeaders = MultiMap.caseInsensitiveMultiMap().set("x-goog-upload-command", command.header());
    if (command.needsOffset()) {
      protocolHeaders.set("x-goog-upload-offset", Long.toString(offset));
    }
    CappedBody body = command.carriesBytes() ? new CappedBody(request, limit - offset, limitText) : null;
    if (body == null) {
      // Nothing to read (checked above): let the request's end through.
      request.resume();
    } else if (request.getHeader("expect") != null && request.version() != HttpVersion.HTTP_1_0) {
      // Every check has passed: the client may send the bytes now.
      rc.response().writeContinue();
    }
    String target = session.uploadTarget();
    int query = target.indexOf('?');
    String operation = session.kind() == UploadSession.Kind.FILE ? OPERATION_UPLOAD : OPERATION_STORE_UPLOAD;
    UpstreamCall call = new UpstreamCall(HttpMethod.POST, query < 0 ? target : target.substring(0, query),
        query < 0 ? null : target.substring(query + 1), request.headers(), null, RateLimits.UNMETERED, false,
        KeyPlacement.GOOG_API_KEY_HEADER, operation, false,
        new UpstreamCall.Media(protocolHeaders, body, command.carriesBytes() ? length : -1));
    String what = session.kind() == UploadSession.Kind.FILE ? "This upload" : "This upload into " + session.storeName();
    executor.execute(call, ctx, new KeyChoice.Pinned(session.keyFingerprint(), what)).onComplete(ar -> {
      if (ar.failed()) {
        Responses.gemini(rc.response(), 500, UnexpectedFailure.logged(ctx, ar.cause()));
        return;
      }
      switch (ar.result()) {
        case UpstreamResult.Failed failed -> {
          if (!request.isEnded() && failed.upstreamBody() == null) {
            refusal.refuse(failed.status(), failed.message());
          } else {
            Responses.geminiFailure(rc.response(), failed);
          }
        }
        case UpstreamResult.Answered answered -> afterChunk(rc, ctx, session, command, answered);
      }
    });
  }

  private void afterChunk(RoutingContext rc, RequestContext ctx, UploadSession session, Command command,
      UpstreamResult.Answered answered) {
    HttpClientResponse upstream = answered.response();
    boolean finished = command.finalizes() || "final".equalsIgnoreCase(upstream.getHeader("x-goog-upload-status"));
    if (!finished && command != Command.CANCEL) {
      relayAnswer(rc.response(), upstream, executor);
      return;
    }
    BodyRelay.collect(upstream, executor.bodyIdleTimeoutMillis()).onComplete(body -> {
      if (body.failed()) {
        Responses.gemini(rc.response(), 502, "Google's answer to the upload broke off; query the upload's"
            + " status to see whether it finished.");
        return;
      }
      Future<Void> recorded = finished ? record(session, answered, body.result()) : Future.succeededFuture();
      recorded.compose(v -> onContext(sessions.delete(session.idHash())).<Void>mapEmpty())
          .onComplete(done -> answerOnceStored(rc, ctx, done, upstream, body.result(), null));
    });
  }

  /**
   * Google's answer, held whole (it is small), given to the client once the database has what
   * the next step needs; a 503 when it could not be stored.
   *
   * @param uploadUrl the gateway's upload URL in place of Google's, or null to add none
   */
  private void answerOnceStored(RoutingContext rc, RequestContext ctx, AsyncResult<?> stored,
      HttpClientResponse upstream, Buffer body, String uploadUrl) {
    if (stored.failed()) {
      storageDown(rc, ctx, stored.cause());
      return;
    }
    HttpServerResponse response = rc.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(upstream.statusCode());
    HeaderPolicy.copyDownstream(upstream.headers(), response.headers());
    if (uploadUrl != null) {
      response.headers().set("x-goog-upload-url", uploadUrl);
      if (!response.headers().contains("x-goog-upload-status")) {
        response.headers().set("x-goog-upload-status", "active");
      }
    }
    response.end(body);
  }

  /** Records what the finished upload made, with the key that made it; nothing when it made nothing. */
  private Future<Void> record(UploadSession session, UpstreamResult.Answered answered, Buffer body) {
    boolean file = session.kind() == UploadSession.Kind.FILE;
    UploadedResource made = file ? UploadedResource.file(body.getBytes()) : UploadedResource.operation(body.getBytes());
    if (made == null) {
      return Future.succeededFuture();
    }
    KeyIdentity key = KeyIdentity.of(answered.lease().key());
    return registry.record(new ResourceRecord(made.name(), file ? ResourceKind.FILE : ResourceKind.OPERATION,
        ResourceRecord.GEMINI_POOL, key.fingerprint(), key.last4(), session.owner(), clock.getAsLong(),
        made.expiresMillis(), made.state(), made.json()));
  }

  // ---------------------------------------------------------------- downloads

  /**
   * A file's bytes ({@code files/{id}:download?alt=media}): only a file recorded through the
   * gateway (and, with FILES_USER_ISOLATION_ENABLED, the caller's own), fetched with the key that
   * created it and streamed to the client with back-pressure.
   */
  public void download(RoutingContext rc, String fileId, RequestContext ctx) {
    HttpServerRequest request = rc.request();
    rc.response().closeHandler(v -> ctx.clientClosed());
    if (request.method() != HttpMethod.GET) {
      Responses.gemini(rc.response(), 405, "A file is downloaded with GET.");
      return;
    }
    if (fileId == null || !FILE_ID.matcher(fileId).matches()) {
      Responses.gemini(rc.response(), 400, "Not a file id.");
      return;
    }
    String name = ResourceKind.FILE.collection() + "/" + fileId;
    registry.owner(ctx.client())
        .compose(owner -> registry.find(name).map(found -> visible(found, owner)))
        .onComplete(found -> {
          if (found.failed()) {
            storageDown(rc, ctx, found.cause());
          } else if (found.result().isEmpty()) {
            Responses.gemini(rc.response(), 404, name + " not found (or not created through this gateway).");
          } else {
            sendDownload(rc, ctx, found.result().get());
          }
        });
  }

  /**
   * {@code files/{id}:download} on the native prefixes (the URI Veo hands out), routed here by the
   * resource relay once it found the file's record and the caller may use it.
   */
  public void download(RoutingContext rc, NativePath.Resource file, ResourceRecord record, RequestContext ctx) {
    rc.response().closeHandler(v -> ctx.clientClosed());
    sendDownload(rc, ctx, record);
  }

  private void sendDownload(RoutingContext rc, RequestContext ctx, ResourceRecord file) {
    UpstreamExecutor via = pools.apply(file.pool());
    if (via == null) {
      Responses.gemini(rc.response(), 404, file.name() + " was not created through this surface.");
      return;
    }
    String fileId = file.name().substring(ResourceKind.FILE.collection().length() + 1);
    UpstreamCall call = new UpstreamCall(HttpMethod.GET, MediaRoot.of(via.baseUrl()).download(fileId),
        "alt=media", rc.request().headers(), null, RateLimits.UNMETERED, false, KeyPlacement.GOOG_API_KEY_HEADER,
        OPERATION_DOWNLOAD, false, new UpstreamCall.Media(MultiMap.caseInsensitiveMultiMap(), null, -1));
    via.execute(call, ctx, new KeyChoice.Pinned(file.keyFingerprint(), file.name())).onComplete(ar ->
        Responses.whenAnswered(rc.response(), ctx, ar, answered -> relayAnswer(rc.response(), answered.response(), via)));
  }

  // ---------------------------------------------------------------- helpers

  /** The record when the caller may see it: live, and its own when clients are isolated. */
  private Optional<ResourceRecord> visible(Optional<ResourceRecord> found, String owner) {
    return found.filter(r -> !r.expiredAt(clock.getAsLong()) && (!registry.isolation() || r.owner().equals(owner)));
  }

  private long maxUploadBytes() {
    return maxUploadMb.getAsLong() * 1024 * 1024;
  }

  private String limitText() {
    return "MAX_UPLOAD_MB (" + maxUploadMb.getAsLong() + " MiB)";
  }

  private static void copyPrintable(HttpServerRequest request, String name, MultiMap to) {
    String value = request.getHeader(name);
    if (value != null && !value.isBlank() && value.length() <= MAX_HEADER_CHARS
        && value.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
      to.set(name, value.strip());
    }
  }

  private void storageDown(RoutingContext rc, RequestContext ctx, Throwable cause) {
    LOG.warn("request {}: file transfer: database unavailable: {}", ctx.requestId(), cause.toString());
    Responses.gemini(rc.response(), 503, "The gateway's database is unavailable; try again.");
  }

  private void maybePurge() {
    long now = clock.getAsLong();
    long last = lastPurge.get();
    if (now - last < PURGE_EVERY_MILLIS || !lastPurge.compareAndSet(last, now)) {
      return;
    }
    sessions.deleteExpired(now).whenComplete((count, err) -> {
      if (err != null) {
        LOG.debug("deleting expired upload sessions failed: {}", err.toString());
      }
    });
  }

  /** 256 random bits, base64url without padding (43 characters): the client's handle on the upload. */
  static String newUploadId() {
    byte[] bytes = new byte[ID_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** What the database keys sessions by: a leaked table does not give anyone the ids. */
  static String hash(String uploadId) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(uploadId.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> Future<T> onContext(CompletionStage<T> stage) {
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
  }

  /**
   * A 2xx answer relayed as it is, streamed with back-pressure: a file's bytes, or an upload step
   * with nothing to record (a chunk taken, a query answered).
   */
  private static void relayAnswer(HttpServerResponse response, HttpClientResponse upstream, UpstreamExecutor via) {
    Responses.unchanged(response, upstream, via.bodyIdleTimeoutMillis());
  }

}
