package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.protocol.gemini.GeminiMethod;
import io.geminibalance.protocol.openai.AudioOptions;
import io.geminibalance.protocol.openai.ChatRequestTranslator;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.protocol.openai.TranslatedChatRequest;
import io.geminibalance.protocol.openai.TranslatedPath;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.protocol.openai.TranslationOptions;
import io.geminibalance.relay.imagehost.ImageHosting;
import io.geminibalance.storage.ResponseStore;
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
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
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
  private final MediaDownloads downloads;
  private final ResponsesRelay responses;
  private final ThoughtSignatureCache signatures;
  private final Supplier<GatewayConfig> config;
  private final LongSupplier clock;
  private final OpenAiImages images;

  /**
   * @param imagen the executor of the pool Imagen is sent from (PAID_KEY's when set), asked per request
   * @param hosting the image host of {@code url} answers and {@code -image} chat images
   */
  public OpenAiRelay(UpstreamExecutor executor, ModelCatalog catalog, MediaFetcher media,
      ThoughtSignatureCache signatures, Supplier<GatewayConfig> config, LongSupplier clock,
      ResponseStore responseStore, ResourceRegistry owners, Supplier<UpstreamExecutor> imagen,
      ImageHosting hosting) {
    this.images = new OpenAiImages(imagen, config, hosting, clock);
    this.executor = executor;
    this.catalog = catalog;
    this.downloads = new MediaDownloads(media);
    this.signatures = signatures;
    this.config = config;
    this.clock = clock;
    this.responses = new ResponsesRelay(executor, downloads, signatures, this::options, () -> cached().images(),
        config, clock, responseStore, owners);
  }

  /** Serves {@code path}, parsed from the request's path before its body was read (refusals never get here). */
  public void handle(RoutingContext rc, TranslatedPath.Allowed path, RequestContext ctx) {
    rc.response().closeHandler(v -> ctx.clientClosed());
    switch (path) {
      case TranslatedPath.ModelList list -> OpenAiModels.list(rc, catalog, options(), images, ctx);
      case TranslatedPath.Model model -> OpenAiModels.one(rc, catalog, options(), images, ctx, model.id());
      case TranslatedPath.ChatCompletions chat -> chat(rc, ctx);
      case TranslatedPath.Embeddings embeddings ->
          OpenAiEmbeddings.handle(rc, executor, ctx, parse(rc), options().aliases());
      case TranslatedPath.ResponsesCreate create -> responses.create(rc, ctx);
      case TranslatedPath.ResponseRetrieve retrieve -> responses.retrieve(rc, ctx, retrieve.id());
      case TranslatedPath.ResponseDelete delete -> responses.delete(rc, ctx, delete.id());
      case TranslatedPath.ResponseInputItems items -> responses.inputItems(rc, ctx, items.id());
      case TranslatedPath.ImagesGenerations generations -> images.generations(rc, ctx, parse(rc));
      case TranslatedPath.AudioSpeech speech -> OpenAiAudio.speech(rc, executor, ctx, parse(rc), cached().audio());
      case TranslatedPath.AudioTranscriptions transcriptions ->
          OpenAiAudio.transcription(rc, executor, ctx, cached().audio());
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
          OpenAiOptions.audio(current), StreamOptions.from(current.values()));
      this.cached = cached;
    }
    return cached;
  }

  private record CachedOptions(GatewayConfig config, TranslationOptions options, ImageLimits images,
      AudioOptions audio, StreamOptions stream) {}

  private volatile CachedOptions cached;

  private void chat(RoutingContext rc, RequestContext ctx) {
    JsonNode body = parse(rc);
    if (body == null) {
      return;
    }
    if (images.isChatModel(body)) {
      images.chat(rc, ctx, body);
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
    downloads.download(rc, translated.body(), translated.mediaUrls(), cached().images(), "messages",
        (fetched, budget) -> send(rc, ctx, translated, fetched, budget));
  }

  private void send(RoutingContext rc, RequestContext ctx, TranslatedChatRequest translated,
      MediaDownloads.Fetched fetched,
      ImageBudget.Request budget) {
    String model = translated.upstreamModel();
    Buffer body = jsonBuffer(fetched.body(), expectedBytes(rc, fetched.mediaBytes()));
    StreamPlan plan = StreamPlan.of(cached().stream(), translated.stream());
    boolean upstreamStream = switch (plan) {
      case StreamPlan.Real real -> translated.stream();
      case StreamPlan.Fake fake -> false;
    };
    // A fake stream is logged under the stream's operation name: the client asked for a stream.
    UpstreamCall call = OpenAiModels.named(new UpstreamCall(HttpMethod.POST,
        (upstreamStream ? GeminiMethod.STREAM_GENERATE_CONTENT : GeminiMethod.GENERATE_CONTENT).pathFor(model),
        upstreamStream ? "alt=sse" : "", forwardedHeaders(rc), body,
        model, upstreamStream, KeyPlacement.GOOG_API_KEY_HEADER,
        translated.stream() ? "openai-chat-stream" : "openai-chat-non-stream", true), options(), translated.model());
    switch (plan) {
      case StreamPlan.Fake fake -> {
        OpenAiChatAnswers.fakeStream(rc, executor, call, ctx, fake, translated, options(), signatures, clock,
            optimizer(), images.hosting(), budget::release);
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
        OpenAiChatAnswers.relay(rc, ctx, answered, translated, options(), signatures, clock,
            config.get().timeout().toMillis(), executor.streamKeepaliveMillis(), images.hosting(), optimizer());
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
  static int expectedBytes(RoutingContext rc, long mediaBytes) {
    Buffer client = rc.body().buffer();
    long expected = (client == null ? 0 : client.length()) + (mediaBytes + 2) / 3 * 4 + JSON_INITIAL_BYTES;
    return (int) Math.min(expected, Integer.MAX_VALUE - 8);
  }

  /** The client headers a translated call offers upstream: only its user agent. */
  static MultiMap forwardedHeaders(RoutingContext rc) {
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
