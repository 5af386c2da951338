package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.logging.RateLimitedWarning;
import io.geminibalance.protocol.gemini.GeminiMethod;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.openai.MalformedUpstreamException;
import io.geminibalance.protocol.openai.OpenAiErrors;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.protocol.openai.TranslationOptions;
import io.geminibalance.protocol.openai.responses.ResponsesContext;
import io.geminibalance.protocol.openai.responses.ResponsesRequestTranslator;
import io.geminibalance.protocol.openai.responses.ResponsesStreamTranslator;
import io.geminibalance.protocol.openai.responses.TranslatedResponsesRequest;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.ResponseStore;
import io.geminibalance.storage.StoredResponse;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI Responses API on the translated surface: {@code POST responses} (translated to
 * Gemini and back, whole or streamed), and the kept responses ({@code GET}/{@code DELETE
 * responses/{id}}, {@code GET responses/{id}/input_items}, {@code previous_response_id}).
 *
 * <p>A response is kept ({@code store}, true by default as at OpenAI) for RESPONSES_STORE_HOURS
 * as one document: the Response object and the conversation's items (the earlier ones, this
 * input, this output), so that {@code previous_response_id} rebuilds the whole conversation
 * (instructions are not carried over). Its owner is the calling client's stable id (this surface
 * authenticates every caller; a context without a client, which no route makes today, would be
 * the one owner {@value #ANONYMOUS}). Another
 * client's response is as absent as a missing one (404). A document larger than
 * MAX_REQUEST_BODY_MB is not kept, and the answer says {@code store: false}. A client keeps at
 * most RESPONSES_STORE_MAX_PER_CLIENT responses: each save forgets its oldest beyond that. A failed save is
 * logged and never costs the answer. The save runs while the answer is written; a follow-up on
 * this gateway waits for it, so a client that continues at once finds it.
 */
final class ResponsesRelay {
  /** The owner of responses made without a client identity (a request context with none). */
  static final String ANONYMOUS = "anonymous";

  private static final Logger LOG = LoggerFactory.getLogger(ResponsesRelay.class);
  private static final RateLimitedWarning SAVE_FAILED = new RateLimitedWarning(LOG, Duration.ofMinutes(1));
  private static final RateLimitedWarning STORE_UNAVAILABLE =
      new RateLimitedWarning(LOG, Duration.ofMinutes(1));
  private static final long MIB = 1024L * 1024;

  private final UpstreamExecutor executor;
  private final MediaDownloads downloads;
  private final ThoughtSignatureCache signatures;
  private final Supplier<TranslationOptions> options;
  private final Supplier<ImageLimits> imageLimits;
  private final Supplier<GatewayConfig> config;
  private final LongSupplier clock;
  private final ResponseStore store;
  private final ResourceRegistry owners;
  /** Saves under way, by response id: a read of that id waits for its save first. */
  private final Map<String, Future<Void>> saving = new ConcurrentHashMap<>();

  ResponsesRelay(UpstreamExecutor executor, MediaDownloads downloads, ThoughtSignatureCache signatures,
      Supplier<TranslationOptions> options, Supplier<ImageLimits> imageLimits, Supplier<GatewayConfig> config,
      LongSupplier clock, ResponseStore store, ResourceRegistry owners) {
    this.executor = executor;
    this.downloads = downloads;
    this.signatures = signatures;
    this.options = options;
    this.imageLimits = imageLimits;
    this.config = config;
    this.clock = clock;
    this.store = store;
    this.owners = owners;
  }

  void create(RoutingContext rc, RequestContext ctx) {
    JsonNode body = OpenAiRelay.parse(rc);
    if (body == null) {
      return;
    }
    Optional<String> previous;
    try {
      previous = ResponsesRequestTranslator.previousResponseId(body);
    } catch (TranslationException e) {
      badRequest(rc, e);
      return;
    }
    if (previous.isEmpty()) {
      // No storage on the way to the answer: a database outage costs only the save.
      translate(rc, ctx, body, new Continued(Optional.empty(), false));
      return;
    }
    owner(ctx).compose(owner -> find(previous.get(), owner))
        .map(found -> new Continued(found, found.isEmpty()))
        .onComplete(ar -> {
          if (ar.failed()) {
            storageFailure(rc, ctx, ar.cause());
          } else if (ar.result().missing()) {
            OpenAiResponses.error(rc.response(), 404, "Previous response with id '" + previous.get()
                + "' not found.", "invalid_request_error", "previous_response_id", "previous_response_not_found");
          } else {
            translate(rc, ctx, body, ar.result());
          }
        });
  }

  /** The stored response a request continues, if any; {@code missing} when the one it named is not there. */
  private record Continued(Optional<StoredResponse> previous, boolean missing) {}

  private void translate(RoutingContext rc, RequestContext ctx, JsonNode body, Continued continued) {
    ArrayNode history = continued.previous().map(ResponsesRelay::items).orElseGet(OpenAiRelay.JSON::createArrayNode);
    TranslatedResponsesRequest translated;
    try {
      translated = new ResponsesRequestTranslator(options.get(), signatures).translate(body, history,
          clock.getAsLong());
    } catch (TranslationException e) {
      badRequest(rc, e);
      return;
    }
    downloads.download(rc, translated.body(), translated.mediaUrls(), imageLimits.get(), "input",
        (fetched, budget) -> send(rc, ctx, translated, new Keeping(ctx, history, translated),
            fetched, budget));
  }

  private void send(RoutingContext rc, RequestContext ctx, TranslatedResponsesRequest translated, Keeping keeping,
      MediaDownloads.Fetched fetched, ImageBudget.Request budget) {
    String model = translated.model().base();
    boolean stream = translated.stream();
    UpstreamCall call = OpenAiModels.named(new UpstreamCall(HttpMethod.POST,
        (stream ? GeminiMethod.STREAM_GENERATE_CONTENT : GeminiMethod.GENERATE_CONTENT).pathFor(model),
        stream ? "alt=sse" : "", OpenAiRelay.forwardedHeaders(rc),
        OpenAiRelay.jsonBuffer(fetched.body(), OpenAiRelay.expectedBytes(rc, fetched.mediaBytes())),
        model, stream, KeyPlacement.GOOG_API_KEY_HEADER,
        stream ? "openai-responses-stream" : "openai-responses", true), options.get(), translated.model());
    executor.execute(call, ctx).onComplete(ar -> {
      budget.release(); // Google has the body (or never will): its images no longer count
      if (ar.failed()) {
        OpenAiResponses.error(rc.response(), 500, UnexpectedFailure.logged(ctx, ar.cause()),
            "server_error", null, "internal");
        return;
      }
      switch (ar.result()) {
        case UpstreamResult.Answered answered -> answer(rc, answered, translated, keeping);
        case UpstreamResult.Failed failed -> OpenAiFailures.send(rc.response(), failed,
            translated.model().requested());
      }
    });
  }

  private void answer(RoutingContext rc, UpstreamResult.Answered answered, TranslatedResponsesRequest translated,
      Keeping keeping) {
    long now = clock.getAsLong();
    ResponsesContext context = new ResponsesContext(responseId(), now / 1000, translated.echo(),
        ResponsesRelay::hex, signatures, now);
    long idleMillis = config.get().timeout().toMillis();
    if (translated.stream()) {
      stream(rc, answered, new ResponsesStreamTranslator(options.get(), context), keeping, idleMillis);
    } else {
      BodyRelay.collect(answered.response(), idleMillis).onComplete(ar -> {
        JsonNode gemini = null;
        try {
          gemini = whole(rc.response(), ar, context, keeping);
        } finally {
          AnswerUsage.report(answered.log(), rc.response(), TokenUsage.fromAnswer(gemini));
        }
      });
    }
  }

  /** Answers the client with the whole Response; returns Google's answer when it was JSON, else null. */
  private JsonNode whole(HttpServerResponse client, AsyncResult<Buffer> ar,
      ResponsesContext context, Keeping keeping) {
    if (ar.failed()) {
      OpenAiFailures.send(client, OpenAiChatAnswers.bodyFailure(ar.cause()));
      return null;
    }
    JsonNode gemini;
    try {
      gemini = OpenAiRelay.readJson(ar.result());
    } catch (IOException e) {
      OpenAiFailures.send(client, OpenAiErrors.of(502, "upstream answer was not JSON", null, "bad_gateway"));
      return null;
    }
    ObjectNode response;
    try {
      response = ResponsesStreamTranslator.toResponse(gemini, options.get(), context);
    } catch (MalformedUpstreamException e) {
      OpenAiFailures.send(client, OpenAiErrors.of(502, "upstream answer was malformed: " + e.getMessage(),
          null, "bad_gateway"));
      return gemini;
    }
    keeping.keep(response);
    client.putHeader("content-type", "application/json; charset=UTF-8").end(OpenAiRelay.jsonBuffer(response));
    return gemini;
  }

  private void stream(RoutingContext rc, UpstreamResult.Answered answered, ResponsesStreamTranslator translator,
      Keeping keeping, long idleMillis) {
    HttpServerResponse client = rc.response();
    client.setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=UTF-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    ResponsesStreamTransformer transformer = new ResponsesStreamTransformer(translator, keeping::keep);
    BodyRelay.relay(answered.response(), client, transformer, idleMillis, executor.streamKeepaliveMillis())
        .onComplete(ar -> AnswerUsage.report(answered.log(), client, transformer.usage()));
  }

  /** Keeps a finished response when the request asked for it and it fits. */
  private final class Keeping {
    private final RequestContext ctx;
    private final ArrayNode history;
    private final TranslatedResponsesRequest request;

    Keeping(RequestContext ctx, ArrayNode history, TranslatedResponsesRequest request) {
      this.ctx = ctx;
      this.history = history;
      this.request = request;
    }

    /** Starts the save of {@code response} (and marks it {@code store: false} when it will not be kept). */
    void keep(ObjectNode response) {
      if (!request.store() || response == null) {
        return;
      }
      ObjectNode document = OpenAiRelay.JSON.createObjectNode();
      ArrayNode items = document.putArray("items");
      items.addAll(history);
      request.input().forEach(item -> items.add(asListed(item)));
      document.put("input_count", items.size());
      items.addAll((ArrayNode) response.get("output"));
      document.set("response", response);
      String text = document.toString();
      long cap = config.get().values().integer("MAX_REQUEST_BODY_MB") * MIB;
      if (text.length() > cap || (long) text.getBytes(StandardCharsets.UTF_8).length > cap) {
        response.put("store", false);
        return;
      }
      long now = clock.getAsLong();
      long hours = config.get().values().integer("RESPONSES_STORE_HOURS");
      int keep = config.get().values().integer("RESPONSES_STORE_MAX_PER_CLIENT");
      String id = response.get("id").asText();
      Future<Void> save = owner(ctx).compose(owner -> onContext(store.save(new StoredResponse(id, owner,
          request.model().requested(), now, now + hours * 3_600_000L, text), keep)));
      saving.put(id, save);
      save.onComplete(ar -> {
        saving.remove(id);
        if (ar.failed()) {
          SAVE_FAILED.warn("A Responses API response could not be kept ({}); it was answered but cannot be read"
              + " back or continued: {}", id, ar.cause().toString());
        }
      });
    }
  }

  /**
   * An input item as kept, in the shape OpenAI lists input items: with an id (the client's own
   * when it sent one), and a message with its {@code type}, a status and its text as content
   * parts. It reads back as the same conversation.
   */
  private static JsonNode asListed(JsonNode item) {
    if (!item.isObject()) {
      return item;
    }
    ObjectNode copy = ((ObjectNode) item).deepCopy();
    String type = copy.path("type").asText("message");
    if (!copy.hasNonNull("id")) {
      String prefix = switch (type) {
        case "function_call" -> "fc_";
        case "function_call_output" -> "fco_";
        case "reasoning" -> "rs_";
        default -> "msg_";
      };
      copy.put("id", prefix + hex() + hex());
    }
    if (type.equals("message")) {
      copy.put("type", "message");
      if (!copy.hasNonNull("status")) {
        copy.put("status", "completed");
      }
      JsonNode content = copy.get("content");
      if (content != null && content.isTextual()) {
        boolean assistant = copy.path("role").asText().equals("assistant");
        ObjectNode part = copy.putArray("content").addObject()
            .put("type", assistant ? "output_text" : "input_text").put("text", content.asText());
        if (assistant) {
          part.putArray("annotations");
        }
      }
    }
    return copy;
  }

  void retrieve(RoutingContext rc, RequestContext ctx, String id) {
    withOwn(rc, ctx, id, document -> rc.response().putHeader("content-type", "application/json; charset=UTF-8")
        .end(OpenAiRelay.jsonBuffer(document.path("response"))));
  }

  /** The caller's kept response {@code id} to {@code then}; else a 404 (or a 503 when storage fails). */
  private void withOwn(RoutingContext rc, RequestContext ctx, String id, Consumer<JsonNode> then) {
    owner(ctx).compose(owner -> find(id, owner)).onComplete(ar -> {
      if (ar.failed()) {
        storageFailure(rc, ctx, ar.cause());
      } else if (ar.result().isEmpty()) {
        notFound(rc, id);
      } else {
        then.accept(document(ar.result().get()));
      }
    });
  }

  void delete(RoutingContext rc, RequestContext ctx, String id) {
    owner(ctx).compose(owner -> settled(id).compose(v -> onContext(store.delete(id, owner)))).onComplete(ar -> {
      if (ar.failed()) {
        storageFailure(rc, ctx, ar.cause());
      } else if (!ar.result()) {
        notFound(rc, id);
      } else {
        ObjectNode deleted = OpenAiRelay.JSON.createObjectNode().put("id", id).put("object", "response")
            .put("deleted", true);
        rc.response().putHeader("content-type", "application/json; charset=UTF-8").end(deleted.toString());
      }
    });
  }

  /**
   * The input items of a kept response (the conversation before its output), newest first unless
   * {@code order=asc}, {@code limit} (1 to 100, default 20) at a time after the item {@code after}.
   */
  void inputItems(RoutingContext rc, RequestContext ctx, String id) {
    String order = rc.request().getParam("order", "desc");
    String limitText = rc.request().getParam("limit", "20");
    String after = rc.request().getParam("after");
    int limit;
    try {
      limit = Integer.parseInt(limitText);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 100) {
      OpenAiResponses.error(rc.response(), 400, "'limit' must be an integer from 1 to 100.",
          "invalid_request_error", "limit", "invalid_value");
      return;
    }
    if (!order.equals("asc") && !order.equals("desc")) {
      OpenAiResponses.error(rc.response(), 400, "'order' must be 'asc' or 'desc'.", "invalid_request_error",
          "order", "invalid_value");
      return;
    }
    int pageSize = limit;
    withOwn(rc, ctx, id, document -> {
      List<JsonNode> input = new ArrayList<>();
      document.path("items").forEach(input::add);
      input = input.subList(0, Math.min(input.size(), document.path("input_count").asInt(input.size())));
      if (order.equals("desc")) {
        input = input.reversed();
      }
      int start = 0;
      if (after != null) {
        start = input.size();
        for (int i = 0; i < input.size(); i++) {
          if (after.equals(input.get(i).path("id").asText(null))) {
            start = i + 1;
            break;
          }
        }
      }
      List<JsonNode> page = input.subList(Math.min(start, input.size()), Math.min(input.size(), start + pageSize));
      ObjectNode list = OpenAiRelay.JSON.createObjectNode().put("object", "list");
      list.putArray("data").addAll(page);
      list.set("first_id", page.isEmpty() ? null : page.getFirst().get("id"));
      list.set("last_id", page.isEmpty() ? null : page.getLast().get("id"));
      list.put("has_more", start + pageSize < input.size());
      rc.response().putHeader("content-type", "application/json; charset=UTF-8")
          .end(OpenAiRelay.jsonBuffer(list));
    });
  }

  private Future<String> owner(RequestContext ctx) {
    KeyIdentity client = ctx.client();
    return client == null ? Future.succeededFuture(ANONYMOUS) : owners.owner(client);
  }

  /** The owner's live response {@code id}, after a save of it under way here has finished. */
  private Future<Optional<StoredResponse>> find(String id, String owner) {
    return settled(id).compose(v -> onContext(store.find(id, owner, clock.getAsLong())));
  }

  private Future<Void> settled(String id) {
    Future<Void> pending = saving.get(id);
    return pending == null ? Future.succeededFuture() : pending.transform(ar -> Future.succeededFuture());
  }

  private static ArrayNode items(StoredResponse stored) {
    JsonNode items = document(stored).path("items");
    return items.isArray() ? (ArrayNode) items : OpenAiRelay.JSON.createArrayNode();
  }

  /**
   * The kept document; the gateway wrote it, so it is JSON unless the row was changed by hand,
   * which reads as an empty document (an empty conversation, a {@code null} response) rather
   * than a request left without an answer.
   */
  private static JsonNode document(StoredResponse stored) {
    try {
      return OpenAiRelay.JSON.readTree(stored.body());
    } catch (IOException e) {
      LOG.warn("Kept response {} is not JSON; it reads as empty", stored.id());
      return OpenAiRelay.JSON.createObjectNode();
    }
  }

  private static void notFound(RoutingContext rc, String id) {
    OpenAiResponses.error(rc.response(), 404, "Response with id '" + id + "' not found.", "invalid_request_error",
        "response_id", "not_found");
  }

  private static void badRequest(RoutingContext rc, TranslationException e) {
    OpenAiResponses.error(rc.response(), 400, e.getMessage(), "invalid_request_error", e.param(),
        e.code() != null ? e.code() : "invalid_request");
  }

  // An outage of the database, not a gateway bug: a rate-limited warning, no stack trace per request.
  private static void storageFailure(RoutingContext rc, RequestContext ctx, Throwable cause) {
    STORE_UNAVAILABLE.warn("request {}: the response store is unavailable: {}", ctx.requestId(), cause.toString());
    OpenAiResponses.error(rc.response(), 503, "The response store is unavailable (request " + ctx.requestId()
        + "); try again shortly.", "server_error", null, "storage_unavailable");
  }

  /** A response id: {@code resp_} and 32 hex digits; it names an answer, guards nothing. */
  private static String responseId() {
    return "resp_" + hex() + hex();
  }

  private static String hex() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  private static <T> Future<T> onContext(CompletionStage<T> stage) {
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
  }
}
