package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.auth.TokenRefusal;
import io.geminibalance.keypool.KeyLease;
import io.geminibalance.keypool.RateLimits;
import io.geminibalance.protocol.gemini.GoogleQuery;
import io.geminibalance.protocol.gemini.ModelIdSyntax;
import io.geminibalance.protocol.gemini.NativePath;
import io.geminibalance.protocol.gemini.ResourceKind;
import io.geminibalance.protocol.gemini.ResourcePath;
import io.geminibalance.protocol.gemini.ResourceReferences;
import io.geminibalance.protocol.gemini.ResourceSummary;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.ResourceRecord;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.streaming.SseRelayTransformer;
import io.geminibalance.upstream.HeaderPolicy;
import io.geminibalance.upstream.KeyChoice;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stateful resources through the pool: creates them on a key in rotation (or on the key the
 * request's body names) and records which key and client they belong to; sends every later
 * request about them with that key; answers lists from the records, the caller's own when
 * clients are isolated. The decisions are {@link Affinity} values; this class applies them.
 */
public final class ResourceRelay {
  private static final Logger LOG = LoggerFactory.getLogger(ResourceRelay.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Google's page size bounds for list calls; the default is its files list's. */
  static final int DEFAULT_PAGE_SIZE = 10;
  static final int MAX_PAGE_SIZE = 100;
  /** Answers about a resource up to this size update its record; larger ones (inline batch results) stream. */
  private static final long RECORDED_ANSWER_MAX_BYTES = 1024 * 1024;
  /** The leading bytes of an answer read for its summary (see {@link ResourceSummary}). */
  private static final int SUMMARY_BYTES = 64 * 1024;

  /** Serves {@code files/{id}:download}: the file's bytes, streamed (see the upload relay). */
  @FunctionalInterface
  public interface Downloads {
    void download(RoutingContext rc, NativePath.Resource file, ResourceRecord record, RequestContext ctx);
  }

  /** The default pool's executor: new resources go there unless a request says otherwise. */
  private final UpstreamExecutor executor;
  /** Every pool this surface serves from, by name; the first is the default. */
  private final Map<String, UpstreamExecutor> pools;
  private final ResourceRegistry registry;
  private final LongSupplier clock;
  private final String pool;
  /** Null: downloads are relayed like any other request about the file (streamed, with its key). */
  private volatile Downloads downloads;

  /** @param pools the pools this surface serves from, by name, the default first */
  public ResourceRelay(Map<String, UpstreamExecutor> pools, ResourceRegistry registry, LongSupplier clockMillis) {
    this.pools = Map.copyOf(pools);
    this.pool = pools.keySet().iterator().next();
    this.executor = pools.get(pool);
    this.registry = registry;
    this.clock = clockMillis;
  }

  /** The executor of pool {@code name}. */
  public UpstreamExecutor executor(String name) {
    return pools.get(name);
  }

  public void downloads(Downloads handler) {
    this.downloads = handler;
  }

  public ResourceRegistry registry() {
    return registry;
  }

  /** A request on {@code path}, its body (if any) read. */
  public void handle(RoutingContext rc, NativePath.Resource path, RequestContext ctx) {
    switch (path.verb()) {
      case LIST -> list(rc, path, ctx);
      case CREATE -> {
        Creation creation = creation(rc, path);
        if (creation.quotaModel() == null) {
          Responses.gemini(rc.response(), 400, "Field 'model': not a model name (letters, digits, '-', '.' and '_',"
              + " at most 128 characters)");
          return;
        }
        TokenRefusal refused = ctx.token() == null ? null : TokenRefusal.model(ctx.token(), creation.usedModel());
        if (refused != null) {
          // The executor checks only the quota model, which a cache or an agent's interaction has not.
          Responses.gemini(rc.response(), refused.status(), refused.message());
          return;
        }
        create(rc, path.upstreamPath(), creation.quotaModel(), ctx, "gemini-" + path.kind().collection() + "-create",
            creation.stream(), pool);
      }
      case GET, UPDATE, DELETE, ACTION, DOWNLOAD -> named(rc, path, ctx);
    }
  }

  /**
   * A model method that makes a resource ({@code batchGenerateContent}, {@code
   * predictLongRunning}): counted against {@code model}'s quota like any generation.
   */
  public void createByModel(RoutingContext rc, String upstreamPath, String model, RequestContext ctx,
      String operation, String inPool) {
    create(rc, upstreamPath, model, ctx, operation, false, inPool);
  }

  /**
   * The keys a model call may use: any, unless its body names recorded resources (a file, a
   * cache, a file search store), which only their key can reach.
   */
  public Future<Affinity> affinityOf(RoutingContext rc, RequestContext ctx, String pathResource) {
    ResourceReferences.References references = bodyReferences(rc);
    if (references.problem() != null) {
      return Future.succeededFuture(new Affinity.Refused(400, references.problem()));
    }
    Set<String> referenced = references.names();
    if (referenced.isEmpty() && pathResource == null) {
      return Future.succeededFuture(Affinity.ROTATION);
    }
    List<String> names = new ArrayList<>();
    if (pathResource != null) {
      names.add(pathResource);
    }
    referenced.stream().filter(name -> !names.contains(name)).forEach(names::add);
    return registry.owner(client(ctx)).compose(owner -> resolve(names).map(named ->
        Affinity.decide(named, owner, registry.isolation(), pools.keySet(), clock.getAsLong())));
  }

  /**
   * Whether the request's body may name a resource: a scan of its bytes in place for the fields
   * that can (most bodies have none, and cost no copy and no parse).
   */
  public static boolean namesResources(RoutingContext rc) {
    Buffer body = rc.body() == null ? null : rc.body().buffer();
    return body != null && ResourceReferences.mayNameResources(body::getByte, body.length());
  }

  private static ResourceReferences.References bodyReferences(RoutingContext rc) {
    Buffer body = rc.body() == null ? null : rc.body().buffer();
    return body == null || body.length() == 0 ? ResourceReferences.References.NONE
        : ResourceReferences.inRequest(body.getBytes());
  }

  private Future<List<Affinity.Named>> resolve(List<String> names) {
    List<Future<Affinity.Named>> lookups = new ArrayList<>(names.size());
    for (String name : names) {
      lookups.add(registry.find(name).map(record -> new Affinity.Named(name, record)));
    }
    return Future.all(lookups).map(all -> all.<Affinity.Named>list());
  }

  private void create(RoutingContext rc, String upstreamPath, String model, RequestContext ctx, String operation,
      boolean stream, String inPool) {
    registry.owner(client(ctx)).onComplete(owned -> {
      if (owned.failed()) {
        storeDown(rc, ctx, owned.cause());
        return;
      }
      affinityOf(rc, ctx, null).onComplete(decided -> {
        if (decided.failed()) {
          storeDown(rc, ctx, decided.cause());
          return;
        }
        UpstreamCall call = call(rc, upstreamPath, model, operation, stream);
        apply(rc, decided.result(), inPool, (via, keys) -> via.execute(call, ctx, keys).onComplete(ar -> {
          String madeIn = via == pools.get(inPool) ? inPool : poolOf(via);
          if (stream) {
            afterStreamedCreate(rc, ctx, ar, owned.result(), madeIn);
          } else {
            afterCreate(rc, ctx, ar, owned.result(), madeIn);
          }
        }));
      });
    });
  }

  private void afterCreate(RoutingContext rc, RequestContext ctx, AsyncResult<UpstreamResult> ar,
      String owner, String madeIn) {
    Responses.whenAnswered(rc.response(), ctx, ar, answered -> collectThen(rc, answered, body -> {
      JsonNode json = ResourceSummary.of(body.getBytes(0, Math.min(body.length(), SUMMARY_BYTES)));
      String name = json == null ? null : createdName(json);
      ResourceKind kind = name == null ? null : ResourceKind.ofName(name);
      if (kind == null) {
        return Future.succeededFuture();
      }
      return registry.record(record(name, kind, answered.lease(), owner, json, madeIn))
          .recover(failure -> {
            LOG.warn("request {}: {} was created at Google but could not be recorded ({}): later requests"
                + " naming it may reach it with the wrong key", ctx.requestId(), name, failure.toString());
            return Future.succeededFuture();
          });
    }));
  }

  /**
   * Answers a refusal, or sends through the pool and with the keys the affinity allows: the pinned
   * key's pool, or {@code rotationPool} in rotation.
   */
  public void apply(RoutingContext rc, Affinity affinity, String rotationPool,
      BiConsumer<UpstreamExecutor, KeyChoice> send) {
    switch (affinity) {
      case Affinity.Refused refused -> Responses.gemini(rc.response(), refused.status(), refused.message());
      case Affinity.Rotation rotation -> send.accept(pools.get(rotationPool), KeyChoice.ANY);
      case Affinity.Pinned pinned -> send.accept(pools.get(pinned.pool()), pinned.choice());
    }
  }

  private String poolOf(UpstreamExecutor via) {
    return pools.entrySet().stream().filter(e -> e.getValue() == via).map(Map.Entry::getKey).findFirst().orElse(pool);
  }

  /**
   * A created resource streamed to the client as it is made (an interaction with {@code stream}):
   * relayed event by event; the first event that names it records it.
   */
  private void afterStreamedCreate(RoutingContext rc, RequestContext ctx,
      AsyncResult<UpstreamResult> ar, String owner, String madeIn) {
    Responses.whenAnswered(rc.response(), ctx, ar, answered -> {
      HttpServerResponse client = rc.response();
      HttpClientResponse upstream = answered.response();
      client.setStatusCode(upstream.statusCode());
      HeaderPolicy.copyDownstream(upstream.headers(), client.headers());
      client.setChunked(true).putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
      BodyRelay.relay(upstream, client, new CreatedInStream(new SseRelayTransformer(), json -> {
        JsonNode created = json.has("interaction") ? json.path("interaction") : json;
        String name = createdName(created);
        ResourceKind kind = name == null ? null : ResourceKind.ofName(name);
        if (kind != null) {
          registry.record(record(name, kind, answered.lease(), owner, created, madeIn)).onFailure(failure ->
              LOG.warn("request {}: {} was created at Google but could not be recorded ({})", ctx.requestId(), name,
                  failure.toString()));
        }
        return kind != null;
      }), executor.bodyIdleTimeoutMillis(), executor.streamKeepaliveMillis());
    });
  }

  /** The name of what an answer created: {@code name} (operations, caches, stores) or an interaction's {@code id}. */
  private static String createdName(JsonNode json) {
    String name = json.path("name").asText(null);
    if (name != null) {
      return name;
    }
    String id = json.path("id").asText(null);
    return id == null ? null : "interactions/" + id;
  }

  private void named(RoutingContext rc, NativePath.Resource path, RequestContext ctx) {
    registry.owner(client(ctx)).compose(owner -> registry.find(path.root()).compose(record -> {
      if (path.verb() == ResourcePath.Verb.DELETE && path.path().equals(path.root()) && record.isPresent()
          && record.get().expiredAt(clock.getAsLong()) && ownedOrOpen(record.get(), owner)) {
        // Google dropped it already: forgetting the record is all a delete can do.
        return registry.forget(path.root()).map(v -> new Decided(null, record));
      }
      ResourceReferences.References references = bodyReferences(rc);
      if (references.problem() != null) {
        return Future.succeededFuture(new Decided(new Affinity.Refused(400, references.problem()), record));
      }
      List<Affinity.Named> named = new ArrayList<>();
      named.add(new Affinity.Named(path.root(), record));
      List<String> others = references.names().stream().filter(name -> !name.equals(path.root())).toList();
      return resolve(others).map(more -> {
        named.addAll(more);
        return new Decided(Affinity.decide(named, owner, registry.isolation(), pools.keySet(), clock.getAsLong()),
            record);
      });
    })).onComplete(ar -> {
      if (ar.failed()) {
        storeDown(rc, ctx, ar.cause());
        return;
      }
      Decided decided = ar.result();
      if (decided.affinity() == null) {
        rc.response().putHeader("content-type", "application/json; charset=UTF-8").end("{}");
        return;
      }
      switch (decided.affinity()) {
        case Affinity.Refused refused -> Responses.gemini(rc.response(), refused.status(), refused.message());
        case Affinity.Rotation rotation -> sendNamed(rc, path, ctx, executor, KeyChoice.ANY, false);
        case Affinity.Pinned pinned when path.verb() == ResourcePath.Verb.DOWNLOAD && downloads != null
            && decided.record().isPresent() -> downloads.download(rc, path, decided.record().get(), ctx);
        case Affinity.Pinned pinned -> sendNamed(rc, path, ctx, pools.get(pinned.pool()), pinned.choice(), true);
      }
    });
  }

  /** What {@link #named} decided, and the record of the resource the path names; no affinity: already answered. */
  private record Decided(Affinity affinity, Optional<ResourceRecord> record) {}

  private boolean ownedOrOpen(ResourceRecord record, String owner) {
    return !registry.isolation() || record.owner().equals(owner);
  }

  private void sendNamed(RoutingContext rc, NativePath.Resource path, RequestContext ctx, UpstreamExecutor via,
      KeyChoice keys, boolean pinned) {
    UpstreamCall call = call(rc, path.upstreamPath(), RateLimits.UNMETERED,
        "gemini-" + path.kind().collection() + "-" + path.verb().name().toLowerCase());
    boolean itself = path.path().equals(path.root());
    via.execute(call, ctx, keys).onComplete(ar -> {
      if (ar.failed()) {
        Responses.gemini(rc.response(), 500, UnexpectedFailure.logged(ctx, ar.cause()));
        return;
      }
      switch (ar.result()) {
        case UpstreamResult.Failed failed -> {
          if (failed.status() == 404 && itself && !failed.poolRefusal() && pinned) {
            // Its own key says it is gone: the record is stale.
            registry.forget(path.root()).onFailure(e -> LOG.warn("{}: could not remove its stale record ({})",
                path.root(), e.toString()));
          }
          Responses.geminiFailure(rc.response(), failed);
        }
        case UpstreamResult.Answered answered -> afterNamed(rc, path, answered, itself);
      }
    });
  }

  private void afterNamed(RoutingContext rc, NativePath.Resource path, UpstreamResult.Answered answered,
      boolean itself) {
    if (path.verb() == ResourcePath.Verb.DELETE && itself) {
      registry.forget(path.root()).onComplete(v -> {
        if (v.failed()) {
          LOG.warn("{} was deleted at Google but its record could not be removed ({}); the cleanup removes it"
              + " when it expires", path.root(), v.cause().toString());
        }
        relay(rc.response(), answered.response());
      });
      return;
    }
    long length = BodyRelay.declaredLength(answered.response());
    boolean small = length >= 0 && length <= RECORDED_ANSWER_MAX_BYTES;
    // A change (PATCH of a cache's ttl) answers with the resource as it now is, like a read: its
    // record follows, or lists and the expiry check would keep the old expireTime.
    boolean current = path.verb() == ResourcePath.Verb.GET || path.verb() == ResourcePath.Verb.UPDATE;
    if (!current || !small) {
      relay(rc.response(), answered.response());
      return;
    }
    collectThen(rc, answered, body -> registry.find(path.root()).compose(found -> {
      JsonNode json = ResourceSummary.of(body.getBytes(0, Math.min(body.length(), SUMMARY_BYTES)));
      if (found.isEmpty() || json == null) {
        return Future.succeededFuture();
      }
      ResourceRecord record = found.get();
      List<Future<Void>> writes = new ArrayList<>();
      if (itself && record.name().equals(json.path("name").asText(null))) {
        writes.add(registry.record(record.withState(state(json, record.state()),
            expires(json, record.expiresMillis()), metadata(json))));
      }
      // Google names the files it made for a batch or a video: they belong to the same key and client.
      boolean makesFiles = record.kind() == ResourceKind.BATCH || record.kind() == ResourceKind.OPERATION;
      for (String file : makesFiles ? ResourceReferences.filesInAnswer(body.getBytes()) : Set.<String>of()) {
        writes.add(registry.find(file).compose(existing -> existing.isPresent() ? Future.succeededFuture()
            : registry.record(new ResourceRecord(file, ResourceKind.FILE, record.pool(), record.keyFingerprint(),
                record.keyLast4(), record.owner(), clock.getAsLong(), 0, "ACTIVE",
                JSON.createObjectNode().put("name", file).toString()))));
      }
      return Future.all(writes).<Void>mapEmpty().recover(failure -> {
        LOG.warn("{}: could not update its record ({})", path.root(), failure.toString());
        return Future.succeededFuture();
      });
    }));
  }

  private void list(RoutingContext rc, NativePath.Resource path, RequestContext ctx) {
    int pageSize;
    long offset;
    try {
      pageSize = pageSize(rc.request().getParam("pageSize"));
      offset = pageToken(rc.request().getParam("pageToken"));
    } catch (IllegalArgumentException bad) {
      Responses.gemini(rc.response(), 400, bad.getMessage());
      return;
    }
    ResourceKind kind = path.kind();
    registry.owner(client(ctx))
        .compose(owner -> registry.list(kind, owner, clock.getAsLong(), pageSize + 1, offset))
        .onComplete(ar -> {
          if (ar.failed()) {
            storeDown(rc, ctx, ar.cause());
            return;
          }
          List<ResourceRecord> rows = ar.result();
          ObjectNode answer = JSON.createObjectNode();
          ArrayNode items = answer.putArray(kind.listField());
          rows.stream().limit(pageSize).forEach(row -> items.add(listed(row)));
          if (rows.size() > pageSize) {
            answer.put("nextPageToken", Long.toString(offset + pageSize));
          }
          rc.response().putHeader("content-type", "application/json; charset=UTF-8").end(answer.toString());
        });
  }

  private static JsonNode listed(ResourceRecord row) {
    JsonNode metadata = row.metadata() == null ? null : parse(Buffer.buffer(row.metadata()));
    return metadata != null && metadata.isObject() ? metadata : JSON.createObjectNode().put("name", row.name());
  }

  static int pageSize(String value) {
    if (value == null || value.isEmpty()) {
      return DEFAULT_PAGE_SIZE;
    }
    int size;
    try {
      size = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("pageSize: not a whole number (expected 1 to " + MAX_PAGE_SIZE + ")");
    }
    if (size < 0) {
      throw new IllegalArgumentException("pageSize: " + size + " (expected 1 to " + MAX_PAGE_SIZE + ")");
    }
    return size == 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
  }

  static long pageToken(String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      long offset = Long.parseLong(value);
      if (offset >= 0 && offset <= Integer.MAX_VALUE) {
        return offset;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new IllegalArgumentException("pageToken: not a token this gateway handed out (use the previous"
        + " answer's nextPageToken)");
  }

  /**
   * What creating {@code path} counts against, and whether its answer streams: an interaction runs
   * a model (its {@code model}, counted like a generation) and may stream ({@code "stream": true}
   * or {@code alt=sse}); other creations use no model's quota and answer at once.
   */
  private record Creation(String quotaModel, boolean stream, String usedModel) {}

  /**
   * As {@link Creation}, with {@code usedModel}: the model (or an interaction's agent) the body
   * names, which a managed token must be allowed; null when it names none.
   */
  private static Creation creation(RoutingContext rc, NativePath.Resource path) {
    boolean interaction = path.kind() == ResourceKind.INTERACTION;
    if (!interaction && path.kind() != ResourceKind.CACHED_CONTENT) {
      return new Creation(RateLimits.UNMETERED, false, null);
    }
    Buffer raw = rc.body() == null ? null : rc.body().buffer();
    JsonNode body = raw == null ? null : ResourceSummary.topLevelScalars(raw.getBytes());
    String model = body == null ? null : body.path("model").asText(null);
    if (!interaction) {
      return new Creation(RateLimits.UNMETERED, false, model);
    }
    boolean stream = QueryStrings.wantsSse(rc.request().query()) || (body != null && body.path("stream").asBoolean(false));
    if (model == null) {
      return new Creation(RateLimits.UNMETERED, stream, body == null ? null : body.path("agent").asText(null));
    }
    String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
    return new Creation(ModelIdSyntax.problem(id, 0, id.length()) == null ? id : null, stream, model);
  }

  private ResourceRecord record(String name, ResourceKind kind, KeyLease lease, String owner, JsonNode json,
      String madeIn) {
    KeyIdentity key = KeyIdentity.of(lease.key());
    long now = clock.getAsLong();
    return new ResourceRecord(name, kind, madeIn, key.fingerprint(), key.last4(), owner, now,
        expires(json, ResourceCleanup.forgottenOnly(kind) ? now + ResourceCleanup.RECORD_KEPT_MILLIS : 0),
        state(json, null), metadata(json));
  }

  private static String state(JsonNode json, String otherwise) {
    String state = json.path("state").asText(null);
    if (state == null && json.has("done")) {
      state = json.path("done").asBoolean() ? "DONE" : "RUNNING";
    }
    if (state == null) {
      state = json.path("metadata").path("state").asText(null);
    }
    return state == null ? otherwise : state;
  }

  private static long expires(JsonNode json, long otherwise) {
    String at = json.path("expireTime").asText(json.path("expirationTime").asText(null));
    if (at == null) {
      return otherwise;
    }
    try {
      return Instant.parse(at).toEpochMilli();
    } catch (DateTimeParseException e) {
      return otherwise;
    }
  }

  /** The summary, already bounded by {@link ResourceSummary}. */
  private static String metadata(JsonNode json) {
    return json.toString();
  }

  private static JsonNode parse(Buffer body) {
    try {
      JsonNode node = JSON.readTree(body.getBytes());
      return node != null && node.isObject() ? node : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static KeyIdentity client(RequestContext ctx) {
    return ctx.client();
  }

  private UpstreamCall call(RoutingContext rc, String upstreamPath, String model, String operation) {
    return call(rc, upstreamPath, model, operation, false);
  }

  private UpstreamCall call(RoutingContext rc, String upstreamPath, String model, String operation, boolean stream) {
    HttpMethod method = rc.request().method();
    Buffer body = method == HttpMethod.GET || method == HttpMethod.DELETE || rc.body() == null
        ? null : rc.body().buffer();
    return new UpstreamCall(method, upstreamPath, GoogleQuery.withoutCredentials(rc.request().query()),
        rc.request().headers(), body == null ? Buffer.buffer() : body, model, stream,
        KeyPlacement.GOOG_API_KEY_HEADER, operation);
  }

  /** Reads the answer whole, runs {@code then} with it, and relays it unchanged whatever {@code then} did. */
  private void collectThen(RoutingContext rc, UpstreamResult.Answered answered,
      Function<Buffer, Future<Void>> then) {
    HttpClientResponse upstream = answered.response();
    BodyRelay.collect(upstream, executor.bodyIdleTimeoutMillis()).onComplete(collected -> {
      if (collected.failed()) {
        Responses.gemini(rc.response(), 502, "The upstream answer broke off: " + collected.cause().getMessage());
        return;
      }
      Buffer body = collected.result();
      Future<Void> done;
      try {
        done = then.apply(body);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      done.onComplete(v -> {
        HttpServerResponse client = rc.response();
        if (client.ended() || client.closed()) {
          return;
        }
        client.setStatusCode(upstream.statusCode());
        HeaderPolicy.copyDownstream(upstream.headers(), client.headers());
        client.headers().remove("content-length");
        client.end(body);
      });
    });
  }

  private void relay(HttpServerResponse client, HttpClientResponse upstream) {
    Responses.unchanged(client, upstream, executor.bodyIdleTimeoutMillis());
  }

  /** The records could not be read: 503 with a short Retry-After, the cause in the log. */
  static void storeDown(RoutingContext rc, RequestContext ctx, Throwable cause) {
    LOG.warn("request {}: the resource records could not be read ({})", ctx.requestId(), cause.toString());
    rc.response().putHeader("retry-after", "5");
    Responses.gemini(rc.response(), 503, "The gateway's resource records are unavailable right now (database);"
        + " retry shortly.");
  }
}
