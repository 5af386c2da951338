package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.keypool.ModelNames;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The upstream model list (every page), cached briefly. Concurrent callers share one in-flight
 * fetch, so a burst of {@code GET /v1/models} costs one upstream call, not one per client. The
 * names in the last list fetched tell the key pool which models exist ({@link #lists}).
 */
public final class ModelCatalog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PAGES = 10;

  private final UpstreamExecutor executor;
  private final LongSupplier clock;
  private final long ttlMillis;
  private List<JsonNode> cached;
  private long cachedAt;
  private Future<List<JsonNode>> inFlight;
  /** When the last fetch started, successful or not: {@link #stale()} allows one per TTL. */
  private volatile long attemptedAt = Long.MIN_VALUE;
  /** The base names ({@link ModelNames#base}) of the last list fetched. */
  private volatile Set<String> listed = Set.of();

  /** What a failed fetch tells the client. */
  public static final class FetchFailed extends RuntimeException {
    private final transient UpstreamResult.Failed failed;

    FetchFailed(UpstreamResult.Failed failed) {
      super(failed.message());
      this.failed = failed;
    }

    public UpstreamResult.Failed failed() {
      return failed;
    }
  }

  public ModelCatalog(UpstreamExecutor executor, LongSupplier clockMillis, long ttlMillis) {
    this.executor = executor;
    this.clock = clockMillis;
    this.ttlMillis = ttlMillis;
  }

  /** Every upstream model object ({@code name}, {@code displayName}, ...). */
  public synchronized Future<List<JsonNode>> models(io.geminibalance.requestlog.KeyIdentity client) {
    long now = clock.getAsLong();
    if (cached != null && now - cachedAt < ttlMillis) {
      return Future.succeededFuture(cached);
    }
    return fetch(client, now);
  }

  /**
   * Fetches the list now (or joins the fetch in flight), for the gateway itself: at start-up and
   * when {@link #stale()}. Call it on an event loop.
   */
  public synchronized Future<List<JsonNode>> refresh() {
    return fetch(null, clock.getAsLong());
  }

  /** Whether no fetch started within the TTL, so that a {@link #refresh()} may learn new models. */
  public boolean stale() {
    long attempted = attemptedAt;
    return attempted == Long.MIN_VALUE || clock.getAsLong() - attempted >= ttlMillis;
  }

  /** Whether the last list fetched names {@code baseModel} (virtual suffixes stripped). */
  public boolean lists(String baseModel) {
    return listed.contains(baseModel);
  }

  /** A fetch that fails at once (no usable key) completes before this returns: hence the local. */
  private Future<List<JsonNode>> fetch(io.geminibalance.requestlog.KeyIdentity client, long now) {
    Future<List<JsonNode>> current = inFlight;
    if (current == null) {
      attemptedAt = now;
      Promise<List<JsonNode>> promise = Promise.promise();
      current = promise.future();
      inFlight = current;
      fetchPages(new RequestContext(client, now), null, new ArrayList<>(), 0).onComplete(ar -> {
        synchronized (this) {
          inFlight = null;
          if (ar.succeeded()) {
            cached = List.copyOf(ar.result());
            cachedAt = clock.getAsLong();
            listed = baseNames(cached);
          }
        }
        promise.handle(ar.map(list -> List.copyOf(list)));
      });
    }
    return current;
  }

  private static Set<String> baseNames(List<JsonNode> models) {
    Set<String> names = new HashSet<>();
    for (JsonNode model : models) {
      String name = model.path("name").asText("");
      if (!name.isEmpty()) {
        names.add(ModelNames.base(name));
      }
    }
    return Set.copyOf(names);
  }

  private Future<List<JsonNode>> fetchPages(RequestContext ctx, String pageToken, List<JsonNode> acc,
      int page) {
    String query = "pageSize=1000" + (pageToken == null ? "" : "&pageToken=" + pageToken);
    UpstreamCall call = new UpstreamCall(HttpMethod.GET, "/models", query, MultiMap.caseInsensitiveMultiMap(),
        null, NativeGeminiRelay.MODEL_LIST_BUCKET, false, KeyPlacement.GOOG_API_KEY_HEADER, "models-list");
    return executor.execute(call, ctx).compose(result -> {
      if (result instanceof UpstreamResult.Failed failed) {
        return Future.failedFuture(new FetchFailed(failed));
      }
      UpstreamResult.Answered answered = (UpstreamResult.Answered) result;
      return BodyRelay.collect(answered.response(), executor.bodyIdleTimeoutMillis()).compose(b -> {
        JsonNode root = parse(b);
        root.path("models").forEach(acc::add);
        String next = root.path("nextPageToken").asText("");
        return next.isEmpty() || page + 1 >= MAX_PAGES ? Future.succeededFuture(acc)
            : fetchPages(ctx, next, acc, page + 1);
      });
    });
  }

  /** The models as one {@code models.list} page, the shape the translators read. */
  public static List<JsonNode> asPages(List<JsonNode> models) {
    com.fasterxml.jackson.databind.node.ObjectNode page = JSON.createObjectNode();
    page.putArray("models").addAll(models);
    return List.of(page);
  }

  private static JsonNode parse(Buffer body) {
    try {
      return OpenAiRelay.readJson(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
