package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.openai.ChatResponseTranslator;
import io.geminibalance.protocol.openai.ChatStreamTranslator;
import io.geminibalance.protocol.openai.InlineImages;
import io.geminibalance.protocol.openai.MalformedUpstreamException;
import io.geminibalance.protocol.openai.OpenAiErrors;
import io.geminibalance.protocol.openai.ResponseContext;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.protocol.openai.TranslatedChatRequest;
import io.geminibalance.protocol.openai.TranslationOptions;
import io.geminibalance.relay.imagehost.ImageHosting;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.streaming.StreamOptimizer;
import io.geminibalance.upstream.KeyChoice;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/** Turns a successful Gemini answer into the OpenAI answer: one JSON body, or a chunk stream. */
final class OpenAiChatAnswers {
  private static final SecureRandom RANDOM = new SecureRandom();

  private OpenAiChatAnswers() {}

  static void relay(RoutingContext rc, RequestContext ctx, UpstreamResult.Answered answered,
      TranslatedChatRequest request, TranslationOptions options, ThoughtSignatureCache signatures, LongSupplier clock,
      long idleTimeoutMillis, long keepaliveMillis, ImageHosting hosting, StreamOptimizer optimizer) {
    ResponseContext context = context(request, signatures, clock);
    if (request.stream()) {
      stream(rc, answered, new ChatStreamTranslator(options, context, request.includeUsage()), idleTimeoutMillis,
          keepaliveMillis, optimizer, streamedImages(rc, ctx, hosting));
    } else {
      whole(rc.response(), answered, new ChatResponseTranslator(options), context, idleTimeoutMillis, hosting);
    }
  }

  /** The uploads of a stream's images when a host is configured, else null (nothing is held). */
  private static StreamedImages streamedImages(RoutingContext rc, RequestContext ctx, ImageHosting hosting) {
    if (hosting.host().isEmpty()) {
      return null;
    }
    StreamedImages images = new StreamedImages(hosting);
    // As the relay's own close handler, and the uploads still running stop too.
    rc.response().closeHandler(v -> {
      ctx.clientClosed();
      images.cancel();
    });
    return images;
  }

  private static ResponseContext context(TranslatedChatRequest request, ThoughtSignatureCache signatures,
      LongSupplier clock) {
    return new ResponseContext(completionId(), clock.getAsLong() / 1000,
        request.model().requested(), ResponseContext.randomToolCallIds(RANDOM), signatures, clock.getAsLong());
  }

  /**
   * A fake stream ({@link FakeStream}): {@code call} is the non-streamed generateContent; the
   * answer goes through the same translator and transformer as a real stream's events, and
   * {@link FakeStream} logs the attempt with the answer's usage; {@code afterCall} runs once the
   * upstream call is over, however it ended.
   */
  static void fakeStream(RoutingContext rc, UpstreamExecutor via, UpstreamCall call, RequestContext ctx,
      StreamPlan.Fake plan, TranslatedChatRequest request, TranslationOptions options,
      ThoughtSignatureCache signatures, LongSupplier clock, StreamOptimizer optimizer, ImageHosting hosting,
      Runnable afterCall) {
    ChatStreamTranslator translator = new ChatStreamTranslator(options, context(request, signatures, clock),
        request.includeUsage());
    String requested = request.model().requested();
    StreamedImages images = streamedImages(rc, ctx, hosting);
    FakeStream.serve(rc.vertx(), rc.response(), via, call, ctx, KeyChoice.ANY, plan,
        new OpenAiStreamTransformer(translator, images), optimizer, images, new FakeStream.Surface() {
          @Override
          public void failure(HttpServerResponse client, UpstreamResult.Failed failed) {
            OpenAiFailures.send(client, failed, requested);
          }

          @Override
          public void error(HttpServerResponse client, int status, String message, String code) {
            OpenAiFailures.send(client, OpenAiErrors.of(status, message, null, code));
          }
        }).onComplete(ar -> afterCall.run());
  }

  /**
   * The attempt goes to the request log here, once the answer is read, with the usage of the
   * Gemini answer just parsed (none when the body broke or was not JSON). Streams do the same
   * when they end ({@link #stream}).
   */
  private static void whole(HttpServerResponse client, UpstreamResult.Answered answered,
      ChatResponseTranslator translator, ResponseContext context, long idleTimeoutMillis, ImageHosting hosting) {
    answered.wholeBody(idleTimeoutMillis).onComplete(ar -> {
      JsonNode gemini = null;
      try {
        gemini = answer(client, ar, translator, context, hosting);
      } finally {
        AnswerUsage.report(answered.log(), client, TokenUsage.fromAnswer(gemini));
      }
    });
  }

  /** Answers the client; returns Google's answer when it was JSON (its usage counts), else null. */
  private static JsonNode answer(HttpServerResponse client, AsyncResult<Buffer> ar,
      ChatResponseTranslator translator, ResponseContext context, ImageHosting hosting) {
    if (ar.failed()) {
      OpenAiFailures.send(client, bodyFailure(ar.cause()));
      return null;
    }
    JsonNode gemini = parse(ar.result());
    if (gemini == null) {
      OpenAiFailures.send(client, OpenAiErrors.of(502, "upstream answer was not JSON", null, "bad_gateway"));
      return null;
    }
    ObjectNode completion;
    try {
      completion = translator.toCompletion(gemini, context);
    } catch (MalformedUpstreamException e) {
      OpenAiFailures.send(client, OpenAiErrors.of(502, "upstream answer was malformed: " + e.getMessage(),
          null, "bad_gateway"));
      return gemini;
    }
    List<InlineImages.Found> images = hosting.host().isPresent() ? InlineImages.find(completion) : List.of();
    if (images.isEmpty()) {
      end(client, completion);
    } else {
      // Images go to the image host first; one that cannot be uploaded stays a data URL.
      StreamedImages.upload(hosting, images, Promise.<Void>promise().future()).onComplete(hosted -> {
        InlineImages.replace(completion, hosted.result());
        end(client, completion);
      });
    }
    return gemini;
  }

  private static void end(HttpServerResponse client, ObjectNode completion) {
    if (!client.ended() && !client.closed()) {
      client.putHeader("content-type", "application/json; charset=UTF-8").end(OpenAiRelay.jsonBuffer(completion));
    }
  }

  /** A body that went silent is a timeout (504); one that broke is a bad gateway (502). */
  static OpenAiErrors.OpenAiError bodyFailure(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return OpenAiErrors.of(504, "upstream answer stalled: " + cause.getMessage(), null, "deadline_exceeded");
    }
    return OpenAiErrors.of(502, "upstream answer broke: " + cause.getMessage(), null, "bad_gateway");
  }

  /**
   * The upstream request's own idle timeout does not cover a body that stalls after the headers;
   * BodyRelay's idle watchdog does: no upstream bytes for {@code idleTimeoutMillis} ends the stream
   * with an error event (not a clean end, no [DONE]) and resets the upstream request.
   */
  private static void stream(RoutingContext rc, UpstreamResult.Answered answered, ChatStreamTranslator translator,
      long idleTimeoutMillis, long keepaliveMillis, StreamOptimizer optimizer, StreamedImages images) {
    HttpServerResponse client = rc.response();
    client.setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=UTF-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    // The future completes however the stream ends (end, break, silence, client gone): the attempt
    // is logged then, with the usage of the last event that reported one.
    OpenAiStreamTransformer transformer = new OpenAiStreamTransformer(translator, images);
    BodyRelay.relay(answered.response(), client, transformer, idleTimeoutMillis, keepaliveMillis, optimizer, images)
        .onComplete(ar -> AnswerUsage.report(answered.log(), client, transformer.usage()));
  }

  static JsonNode parse(Buffer body) {
    try {
      return OpenAiRelay.readJson(body);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A fresh completion id. It names an answer and guards nothing, so it comes from the thread's
   * own generator: SecureRandom would serialise the event loops on one lock (and read
   * /dev/urandom) for every completion. Tool call ids, which key the thought-signature cache,
   * stay on SecureRandom.
   */
  static String completionId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "chatcmpl-" + HexFormat.of().toHexDigits(random.nextLong())
        + HexFormat.of().toHexDigits(random.nextInt());
  }
}
