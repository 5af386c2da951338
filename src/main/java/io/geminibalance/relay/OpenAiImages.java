package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.protocol.gemini.GeminiMethod;
import io.geminibalance.protocol.openai.ImageChatTranslator;
import io.geminibalance.protocol.openai.ImagesRequestTranslator;
import io.geminibalance.protocol.openai.ImagesRequestTranslator.ImagesRequest;
import io.geminibalance.protocol.openai.ImagesResponseTranslator;
import io.geminibalance.protocol.openai.ImagesResponseTranslator.GeneratedImage;
import io.geminibalance.protocol.openai.MalformedUpstreamException;
import io.geminibalance.protocol.openai.OpenAiErrors;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.relay.imagehost.ImageHosting;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Imagen on the OpenAI surface: {@code POST images/generations} and the chat model
 * {@code <CREATE_IMAGE_MODEL>-chat}. One {@code :predict} call through the media pool (PAID_KEY's
 * when set, as on the native surface), with the usual leasing and retries on another key; then the
 * images are uploaded to the image host when the answer links to them, or sent as data URLs.
 */
final class OpenAiImages {
  private final Supplier<UpstreamExecutor> imagen;
  private final Supplier<GatewayConfig> config;
  private final ImageHosting hosting;
  private final LongSupplier clock;

  /**
   * @param imagen the executor of the pool Imagen is sent from, asked per request
   */
  OpenAiImages(Supplier<UpstreamExecutor> imagen, Supplier<GatewayConfig> config, ImageHosting hosting,
      LongSupplier clock) {
    this.imagen = imagen;
    this.config = config;
    this.hosting = hosting;
    this.clock = clock;
  }

  /** The image host in force (for {@code -image} chat answers too). */
  ImageHosting hosting() {
    return hosting;
  }

  private String createImageModel() {
    return config.get().values().string("CREATE_IMAGE_MODEL");
  }

  /** The models served here that the model list shows: the image chat model. */
  List<String> models() {
    return List.of(createImageModel() + ImagesRequestTranslator.CHAT_SUFFIX);
  }

  /** CREATE_IMAGE_MODEL when {@code name} is the image chat model, which stands for it; otherwise null. */
  String chatModelBase(String name) {
    String createImageModel = createImageModel();
    return ImagesRequestTranslator.isChatModel(name, createImageModel) ? createImageModel : null;
  }

  /** True when a chat request's {@code model} is the image chat model. */
  boolean isChatModel(JsonNode body) {
    JsonNode model = body.get("model");
    return model != null && model.isTextual()
        && ImagesRequestTranslator.isChatModel(model.asText(), createImageModel());
  }

  void generations(RoutingContext rc, RequestContext ctx, JsonNode body) {
    if (body == null) {
      return;
    }
    ImagesRequest request;
    try {
      request = ImagesRequestTranslator.translate(body, createImageModel());
    } catch (TranslationException e) {
      OpenAiFailures.send(rc.response(), OpenAiErrors.fromTranslation(e));
      return;
    }
    String model = request.requestedModel() == null ? request.upstreamModel() : request.requestedModel();
    generate(ctx, request).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc.response(), ctx, ar.cause(), model);
        return;
      }
      List<GeneratedImage> images = ar.result();
      Future<Map<Integer, String>> urls = request.format() == ImagesRequestTranslator.Format.URL
          ? hosting.uploadAll(uploads(images)) : Future.succeededFuture(Map.of());
      urls.onComplete(uploaded -> {
        ObjectNode answer = ImagesResponseTranslator.toOpenAi(request, images,
            uploaded.succeeded() ? uploaded.result() : Map.of(), clock.getAsLong() / 1000);
        end(rc.response(), OpenAiRelay.jsonBuffer(answer));
      });
    });
  }

  /** The chat model: the answer in chat completion shape, whole or streamed. */
  void chat(RoutingContext rc, RequestContext ctx, JsonNode body) {
    ImagesRequest request;
    boolean stream;
    try {
      request = ImageChatTranslator.request(body, createImageModel());
      stream = body.path("stream").asBoolean(false);
    } catch (TranslationException e) {
      OpenAiFailures.send(rc.response(), OpenAiErrors.fromTranslation(e));
      return;
    }
    String model = body.get("model").asText();
    generate(ctx, request, model).compose(images -> hosting.uploadAll(uploads(images)).map(urls -> {
      List<String> links = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        links.add(urls.getOrDefault(i, images.get(i).dataUrl()));
      }
      return ImageChatTranslator.markdownLines(links);
    })).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc.response(), ctx, ar.cause(), model);
        return;
      }
      String id = OpenAiChatAnswers.completionId();
      long created = clock.getAsLong() / 1000;
      HttpServerResponse response = rc.response();
      if (!stream) {
        end(response, OpenAiRelay.jsonBuffer(ImageChatTranslator.completion(id, created, model, ar.result())));
        return;
      }
      if (response.ended() || response.closed()) {
        return;
      }
      Buffer events = Buffer.buffer();
      ImageChatTranslator.chunks(id, created, model, ar.result())
          .forEach(chunk -> events.appendString("data: ").appendBuffer(OpenAiRelay.jsonBuffer(chunk))
              .appendString("\n\n"));
      response.setStatusCode(200).putHeader("content-type", "text/event-stream; charset=UTF-8")
          .putHeader("cache-control", "no-cache").end(events.appendString("data: [DONE]\n\n"));
    });
  }

  private static List<ImageHosting.Image> uploads(List<GeneratedImage> images) {
    return images.stream().map(i -> new ImageHosting.Image(i.mimeType(), i.base64())).toList();
  }

  /** Thrown inside the chain when Google's answer is a failure; carries it to answer with. */
  private static final class PredictFailed extends RuntimeException {
    final transient UpstreamResult.Failed failed;

    PredictFailed(UpstreamResult.Failed failed) {
      super(failed.message(), null, false, false);
      this.failed = failed;
    }
  }

  /** Google's answer did not arrive whole: it stalled ({@link TimeoutException}) or broke. */
  private static final class BodyFailed extends RuntimeException {
    BodyFailed(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private Future<List<GeneratedImage>> generate(RequestContext ctx, ImagesRequest request) {
    return generate(ctx, request, null);
  }

  /**
   * @param chatModel the image chat model's name as the client sent it, which a managed token's
   *     models are matched against besides CREATE_IMAGE_MODEL; null for the images endpoints
   */
  private Future<List<GeneratedImage>> generate(RequestContext ctx, ImagesRequest request, String chatModel) {
    UpstreamExecutor via = imagen.get();
    UpstreamCall call = new UpstreamCall(HttpMethod.POST, GeminiMethod.PREDICT.pathFor(request.upstreamModel()), "",
        MultiMap.caseInsensitiveMultiMap(), OpenAiRelay.jsonBuffer(request.predictBody()), request.upstreamModel(),
        false, KeyPlacement.GOOG_API_KEY_HEADER, "openai-image-generation").requestedAs(chatModel);
    return via.execute(call, ctx).compose(result -> switch (result) {
      case UpstreamResult.Failed failed -> Future.failedFuture(new PredictFailed(failed));
      case UpstreamResult.Answered answered -> BodyRelay.collect(answered.response(), via.bodyIdleTimeoutMillis())
          .recover(broken -> Future.failedFuture(new BodyFailed(broken)))
          .map(body -> ImagesResponseTranslator.images(parse(body), request.mimeType()));
    });
  }

  private static JsonNode parse(Buffer body) {
    try {
      return OpenAiRelay.readJson(body);
    } catch (IOException e) {
      throw new MalformedUpstreamException("Imagen's answer is not JSON");
    }
  }

  /** Every failure of an image request, answered in one place. */
  private static void fail(HttpServerResponse response, RequestContext ctx, Throwable cause, String model) {
    switch (cause) {
      case PredictFailed predict -> OpenAiFailures.send(response, predict.failed, model);
      case ImagesResponseTranslator.NoImages none -> OpenAiFailures.send(response, none.error());
      case MalformedUpstreamException malformed -> OpenAiFailures.send(response,
          OpenAiErrors.of(502, "upstream answer was malformed: " + malformed.getMessage(), null, "bad_gateway"));
      case BodyFailed body when body.getCause() instanceof TimeoutException -> OpenAiFailures.send(response,
          OpenAiErrors.of(504, "upstream answer stalled: " + body.getMessage(), null, "deadline_exceeded"));
      case BodyFailed body -> OpenAiFailures.send(response,
          OpenAiErrors.of(502, "upstream answer broke: " + body.getMessage(), null, "bad_gateway"));
      default -> OpenAiResponses.error(response, 500, UnexpectedFailure.logged(ctx, cause), "server_error", null,
          "internal");
    }
  }

  private static void end(HttpServerResponse response, Buffer body) {
    if (!response.ended() && !response.closed()) {
      response.putHeader("content-type", "application/json; charset=UTF-8").end(body);
    }
  }
}
