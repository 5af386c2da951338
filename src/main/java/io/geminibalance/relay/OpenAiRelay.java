package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.protocol.gemini.GeminiMethod;
import io.geminibalance.protocol.openai.ChatRequestTranslator;
import io.geminibalance.protocol.openai.MediaPlaceholders;
import io.geminibalance.protocol.openai.MediaPlaceholders.FetchedMedia;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.protocol.openai.TranslatedChatRequest;
import io.geminibalance.protocol.openai.TranslatedPath;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.protocol.openai.TranslationOptions;
import io.geminibalance.protocol.openai.ChatChunkTextSlicer;
import io.geminibalance.streaming.StreamOptimizer;
import io.geminibalance.streaming.StreamOptions;
import io.geminibalance.upstream.AnswerCheck;
import io.geminibalance.upstream.KeyChoice;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The OpenAI surface ({@code /v1}, {@code /hf/v1}): requests translated to Gemini, answers
 * translated back, over the same key pool, retries and streaming as the native surface. The
 * translation itself is pure code in {@code protocol.openai}; this class only sequences it.
 */
public final class OpenAiRelay {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Typical translated requests and answers are well under this; the buffer grows when not. */
  private static final int JSON_INITIAL_BYTES = 1024;
  /** Unused room a written buffer may keep without being trimmed. */
  private static final int JSON_SLACK_BYTES = 64 * 1024;

  private final UpstreamExecutor executor;
  private final ModelCatalog catalog;
  private final MediaFetcher media;
  private final ThoughtSignatureCache signatures;
  private final Supplier<GatewayConfig> config;
  private final LongSupplier clock;

  public OpenAiRelay(UpstreamExecutor executor, ModelCatalog catalog, MediaFetcher media,
      ThoughtSignatureCache signatures, Supplier<GatewayConfig> config, LongSupplier clock) {
    this.executor = executor;
    this.catalog = catalog;
    this.media = media;
    this.signatures = signatures;
    this.config = config;
    this.clock = clock;
  }

  /** Serves {@code path}, parsed from the request's path before its body was read (refusals never get here). */
  public void handle(RoutingContext rc, TranslatedPath.Allowed path, RequestContext ctx) {
    rc.response().closeHandler(v -> ctx.clientClosed());
    switch (path) {
      case TranslatedPath.ModelList list -> OpenAiModels.list(rc, catalog, options(), ctx);
      case TranslatedPath.Model model -> OpenAiModels.one(rc, catalog, options(), ctx, model.id());
      case TranslatedPath.ChatCompletions chat -> chat(rc, ctx);
      case TranslatedPath.Embeddings embeddings -> OpenAiEmbeddings.handle(rc, executor, ctx, parse(rc));
    }
  }

  /** Options are rebuilt only when the configuration object changes, not per request. */
  private TranslationOptions options() {
    return cached().options();
  }

  private CachedOptions cached() {
    GatewayConfig current = config.get();
    CachedOptions cached = this.cached;
    if (cached == null || cached.config() != current) {
      cached = new CachedOptions(current, OpenAiOptions.from(current), ImageLimits.from(current),
          StreamOptions.from(current.values()));
      this.cached = cached;
    }
    return cached;
  }

  private record CachedOptions(GatewayConfig config, TranslationOptions options, ImageLimits images,
      StreamOptions stream) {}

  private volatile CachedOptions cached;

  private void chat(RoutingContext rc, RequestContext ctx) {
    JsonNode body = parse(rc);
    if (body == null) {
      return;
    }
    TranslatedChatRequest translated;
    try {
      translated = new ChatRequestTranslator(options(), signatures).translate(body, clock.getAsLong());
    } catch (TranslationException e) {
      OpenAiResponses.error(rc.response(), 400, e.getMessage(), "invalid_request_error", e.param(),
          e.code() != null ? e.code() : "invalid_request");
      return;
    }
    List<String> urls = translated.mediaUrls().stream().distinct().toList();
    ImageLimits limits = cached().images();
    if (urls.size() > limits.perRequest()) {
      OpenAiResponses.error(rc.response(), 400, "This request has " + urls.size() + " image URLs to download;"
          + " the gateway downloads at most " + limits.perRequest() + " per request (MAX_IMAGE_DOWNLOADS)."
          + " Send fewer, or send images inline as data: URLs.", "invalid_request_error", "messages",
          "too_many_image_urls");
      return;
    }
    ImageBudget.Request budget = media.requestBudget(limits);
    fetchMedia(translated, urls, budget).onComplete(ar -> {
      if (ar.failed()) {
        budget.release();
        imageFailure(rc, ar.cause());
        return;
      }
      send(rc, ctx, translated, ar.result(), budget);
    });
  }

  private static void imageFailure(RoutingContext rc, Throwable cause) {
    if (cause instanceof ImageBudget.Exceeded exceeded && exceeded.gatewayWide()) {
      rc.response().putHeader("retry-after", Long.toString(ImageBudget.RETRY_AFTER_SECONDS));
      OpenAiResponses.error(rc.response(), 503, exceeded.getMessage(), "server_error", null,
          "image_downloads_busy");
    } else if (cause instanceof ImageBudget.Exceeded exceeded) {
      OpenAiResponses.error(rc.response(), 400, exceeded.getMessage(), "invalid_request_error", "messages",
          "image_too_large");
    } else {
      OpenAiResponses.error(rc.response(), 400, "Could not use an image URL: " + cause.getMessage(),
          "invalid_request_error", "messages", "invalid_image_url");
    }
  }

  /** The translated body with every URL downloaded, a few at a time; the first failure ends it. */
  private Future<Fetched> fetchMedia(TranslatedChatRequest translated, List<String> urls,
      ImageBudget.Request budget) {
    if (urls.isEmpty()) {
      return Future.succeededFuture(new Fetched(translated.body(), 0));
    }
    Map<String, FetchedMedia> fetched = new ConcurrentHashMap<>();
    Deque<String> queue = new ConcurrentLinkedDeque<>(urls);
    List<Future<Void>> workers = new ArrayList<>();
    for (int i = 0; i < Math.min(ImageLimits.PER_REQUEST_CONCURRENCY, urls.size()); i++) {
      workers.add(drain(queue, fetched, budget));
    }
    return Future.all(workers).transform(ar -> {
      if (ar.failed()) {
        budget.abandon();
        return Future.failedFuture(ar.cause());
      }
      long bytes = fetched.values().stream().mapToLong(m -> m.bytes().length).sum();
      return Future.succeededFuture(new Fetched(MediaPlaceholders.withFetchedMedia(translated.body(), fetched),
          bytes));
    });
  }

  private Future<Void> drain(Deque<String> queue, Map<String, FetchedMedia> fetched, ImageBudget.Request budget) {
    String url = queue.poll();
    if (url == null || budget.abandoned()) {
      return Future.succeededFuture();
    }
    return media.fetch(url, budget).compose(m -> {
      fetched.put(url, new FetchedMedia(m.mimeType(), m.bytes()));
      return drain(queue, fetched, budget);
    }, failure -> {
      budget.abandon(); // the request fails: its other downloads stop
      return Future.failedFuture(failure);
    });
  }

  /** A body ready to send and the downloaded bytes in it (to size the buffer it is written to). */
  private record Fetched(ObjectNode body, long mediaBytes) {}

  private void send(RoutingContext rc, RequestContext ctx, TranslatedChatRequest translated, Fetched fetched,
      ImageBudget.Request budget) {
    String model = translated.upstreamModel();
    Buffer body = jsonBuffer(fetched.body(), expectedBytes(rc, fetched.mediaBytes()));
    StreamPlan plan = StreamPlan.of(cached().stream(), translated.stream());
    boolean upstreamStream = switch (plan) {
      case StreamPlan.Real real -> translated.stream();
      case StreamPlan.Fake fake -> false;
    };
    // A fake stream is logged under the stream's operation name: the client asked for a stream.
    UpstreamCall call = new UpstreamCall(HttpMethod.POST,
        (upstreamStream ? GeminiMethod.STREAM_GENERATE_CONTENT : GeminiMethod.GENERATE_CONTENT).pathFor(model),
        upstreamStream ? "alt=sse" : "", forwardedHeaders(rc), body,
        model, upstreamStream, KeyPlacement.GOOG_API_KEY_HEADER,
        translated.stream() ? "openai-chat-stream" : "openai-chat-non-stream", true);
    switch (plan) {
      case StreamPlan.Fake fake -> {
        OpenAiChatAnswers.fakeStream(rc, executor, call, ctx, fake, translated, options(), signatures, clock,
            optimizer(), budget::release);
        return;
      }
      case StreamPlan.Real real -> { }
    }
    executor.execute(call, ctx, KeyChoice.ANY, upstreamStream ? AnswerCheck.NONE : AnswerCheck.EMPTY)
        .onComplete(ar -> {
      budget.release(); // Google has the body (or never will): its images no longer count
      if (ar.failed()) {
        OpenAiResponses.error(rc.response(), 500, UnexpectedFailure.logged(ctx, ar.cause()),
            "server_error", null, "internal");
      } else if (ar.result() instanceof UpstreamResult.Answered answered) {
        OpenAiChatAnswers.relay(rc, answered, translated, options(), signatures, clock,
            config.get().timeout().toMillis(), executor.streamKeepaliveMillis(), optimizer());
      } else {
        OpenAiFailures.send(rc.response(), (UpstreamResult.Failed) ar.result(), translated.model().requested());
      }
    });
  }

  /** The stream optimizer for chat chunks, or null while it is off. */
  private StreamOptimizer optimizer() {
    return StreamOptimizer.of(cached().stream().optimizer(), ChatChunkTextSlicer.INSTANCE);
  }

  /**
   * What the translated body will take as JSON: the client's body (the text carries over about
   * one to one) plus the downloaded bytes as base64, so the buffer is allocated once at about the
   * right size instead of grown by copies.
   */
  private static int expectedBytes(RoutingContext rc, long mediaBytes) {
    Buffer client = rc.body().buffer();
    long expected = (client == null ? 0 : client.length()) + (mediaBytes + 2) / 3 * 4 + JSON_INITIAL_BYTES;
    return (int) Math.min(expected, Integer.MAX_VALUE - 8);
  }

  private static MultiMap forwardedHeaders(RoutingContext rc) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    String agent = rc.request().getHeader("user-agent");
    if (agent != null) {
      headers.add("user-agent", agent);
    }
    return headers;
  }

  /**
   * {@code node} as UTF-8 JSON, written straight into the buffer that goes on the wire: through a
   * byte array, the bytes were copied twice more (out of Jackson's builder, then by
   * {@code Buffer.buffer(byte[])}, which copies in Vert.x 5). A tree the byte writer refuses (a lone
   * surrogate in some text) goes through {@code toString()} as before.
   */
  static Buffer jsonBuffer(JsonNode node) {
    return jsonBuffer(node, JSON_INITIAL_BYTES);
  }

  /** As {@link #jsonBuffer(JsonNode)}, starting from {@code expectedBytes} of room. */
  static Buffer jsonBuffer(JsonNode node, int expectedBytes) {
    ByteBuf bytes = Unpooled.buffer(Math.max(JSON_INITIAL_BYTES, expectedBytes));
    try (OutputStream out = new ByteBufOutputStream(bytes)) {
      JSON.writeValue(out, node);
      if (bytes.writableBytes() > JSON_SLACK_BYTES) {
        // Grown by doubling: a large body (inline media) would hold up to twice its size through
        // every retry; one copy trims it.
        bytes.capacity(bytes.writerIndex());
      }
      return BufferInternal.buffer(bytes);
    } catch (IOException e) {
      return Buffer.buffer(node.toString());
    }
  }

  /**
   * Parses a body in place: {@code Buffer.getBytes()} would copy it first. Vert.x buffers are
   * heap-backed; any other kind is copied.
   */
  static JsonNode readJson(Buffer buffer) throws IOException {
    if (buffer instanceof BufferInternal internal) {
      ByteBuf bytes = internal.getByteBuf();
      if (bytes.hasArray()) {
        return JSON.readTree(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
      }
    }
    return JSON.readTree(buffer.getBytes());
  }

  /** The JSON object body, or {@code null} after answering 400. */
  static JsonNode parse(RoutingContext rc) {
    Buffer buffer = rc.body().buffer();
    try {
      JsonNode node = buffer == null || buffer.length() == 0 ? null : readJson(buffer);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // answered below
    }
    OpenAiResponses.error(rc.response(), 400, "The request body is not a valid JSON object.",
        "invalid_request_error", null, "invalid_json");
    return null;
  }
}
