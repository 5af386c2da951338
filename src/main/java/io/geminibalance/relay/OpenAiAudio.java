package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.GeminiMethod;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.openai.AudioOptions;
import io.geminibalance.protocol.openai.MalformedUpstreamException;
import io.geminibalance.protocol.openai.OpenAiErrors;
import io.geminibalance.protocol.openai.OpenAiErrors.OpenAiError;
import io.geminibalance.protocol.openai.SpeechTranslator;
import io.geminibalance.protocol.openai.SpeechTranslator.SpeechAnswer;
import io.geminibalance.protocol.openai.SpeechTranslator.SpeechRequest;
import io.geminibalance.protocol.openai.TranscriptionTranslator;
import io.geminibalance.protocol.openai.TranscriptionTranslator.Transcript;
import io.geminibalance.protocol.openai.TranscriptionTranslator.TranscriptionForm;
import io.geminibalance.protocol.openai.TranscriptionTranslator.TranscriptionRequest;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code POST audio/speech} and {@code POST audio/transcriptions}: one Gemini
 * {@code generateContent} each, over the pool with its retries like a chat completion, the
 * answer read whole and turned into audio bytes or a transcript. A refusal by Gemini's filters is
 * the client's input (400), an answer without audio or text a bad gateway (502): neither is a
 * key's fault, and the key pool already counted the 200 as a success.
 */
final class OpenAiAudio {
  private OpenAiAudio() {}

  static void speech(RoutingContext rc, UpstreamExecutor executor, RequestContext ctx, JsonNode body,
      AudioOptions options) {
    if (body == null) {
      return;
    }
    SpeechRequest request;
    try {
      request = SpeechTranslator.toGemini(body, options);
    } catch (TranslationException e) {
      OpenAiFailures.send(rc.response(), OpenAiErrors.fromTranslation(e));
      return;
    }
    generate(rc, executor, ctx, request.upstreamModel(), request.requestedModel(), request.body(), 0,
        "openai-speech", gemini -> {
          HttpServerResponse response = rc.response();
          switch (SpeechTranslator.fromGemini(request, gemini)) {
            case SpeechAnswer.Audio audio -> response.putHeader("content-type", audio.contentType())
                .end(Buffer.buffer(audio.bytes()));
            case SpeechAnswer.Blocked blocked -> OpenAiFailures.send(response, OpenAiErrors.of(400,
                "Gemini refused to speak this input (" + blocked.reason() + ").", "input", "content_policy_violation"));
            case SpeechAnswer.NoAudio none -> OpenAiFailures.send(response, OpenAiErrors.of(502,
                "Gemini answered without audio (finish reason " + none.finishReason() + "); is '"
                    + request.upstreamModel() + "' a text-to-speech model?", "model", "no_audio"));
          }
        });
  }

  static void transcription(RoutingContext rc, UpstreamExecutor executor, RequestContext ctx, AudioOptions options) {
    Buffer body = rc.body().buffer();
    Optional<OpenAiError> formTooLarge = TranscriptionTranslator.formTooLarge(body == null ? 0 : body.length());
    if (formTooLarge.isPresent()) {
      OpenAiFailures.send(rc.response(), formTooLarge.get());
      return;
    }
    TranscriptionRequest request;
    long fileBytes;
    try {
      TranscriptionForm form = MultipartForm.parse(rc.request().getHeader("content-type"), body);
      Optional<OpenAiError> tooLarge = form.file() == null ? Optional.empty()
          : TranscriptionTranslator.tooLarge(form.file().bytes().length);
      if (tooLarge.isPresent()) {
        OpenAiFailures.send(rc.response(), tooLarge.get());
        return;
      }
      request = TranscriptionTranslator.toGemini(form, options);
      fileBytes = form.file().bytes().length;
    } catch (TranslationException e) {
      OpenAiFailures.send(rc.response(), OpenAiErrors.fromTranslation(e));
      return;
    }
    generate(rc, executor, ctx, request.upstreamModel(), request.requestedModel(), request.body(),
        fileBytes / 3 * 4 + TranscriptionTranslator.MAX_FORM_OVERHEAD_BYTES, "openai-transcription", gemini -> {
          HttpServerResponse response = rc.response();
          switch (TranscriptionTranslator.fromGemini(gemini)) {
            case Transcript.Text text when request.format() == TranscriptionTranslator.Format.TEXT ->
                response.putHeader("content-type", "text/plain; charset=utf-8").end(text.text());
            case Transcript.Text text -> response.putHeader("content-type", "application/json; charset=UTF-8")
                .end(TranscriptionTranslator.toJson(text).toString());
            case Transcript.Blocked blocked -> OpenAiFailures.send(response, OpenAiErrors.of(400,
                "Gemini refused to transcribe this audio (" + blocked.reason() + ").", "file",
                "content_policy_violation"));
          }
        });
  }

  /**
   * Sends {@code body} (about {@code expectedBytes} as JSON, to size its buffer once; 0 when small)
   * to {@code model}'s {@code generateContent} and hands the parsed answer to
   * {@code answer}, which answers the client; failures are answered here in OpenAI's shape.
   */
  private static void generate(RoutingContext rc, UpstreamExecutor executor, RequestContext ctx, String model,
      String requestedModel, ObjectNode body, long expectedBytes, String operation, Consumer<JsonNode> answer) {
    UpstreamCall call = new UpstreamCall(HttpMethod.POST, GeminiMethod.GENERATE_CONTENT.pathFor(model), "",
        OpenAiRelay.forwardedHeaders(rc), OpenAiRelay.jsonBuffer(body, (int) expectedBytes), model, false,
        KeyPlacement.GOOG_API_KEY_HEADER, operation, true);
    executor.execute(call, ctx).onComplete(ar -> {
      if (ar.failed()) {
        OpenAiFailures.send(rc.response(), OpenAiErrors.of(500, UnexpectedFailure.logged(ctx, ar.cause()), null,
            "internal"));
        return;
      }
      switch (ar.result()) {
        case UpstreamResult.Failed failed -> OpenAiFailures.send(rc.response(), failed, requestedModel);
        case UpstreamResult.Answered answered ->
            BodyRelay.collect(answered.response(), executor.bodyIdleTimeoutMillis()).onComplete(read -> {
              JsonNode gemini = read.succeeded() ? OpenAiChatAnswers.parse(read.result()) : null;
              AnswerUsage.report(answered.log(), rc.response(), TokenUsage.fromAnswer(gemini));
              if (read.failed()) {
                OpenAiFailures.send(rc.response(), OpenAiChatAnswers.bodyFailure(read.cause()));
              } else if (gemini == null || !gemini.isObject()) {
                OpenAiFailures.send(rc.response(), OpenAiErrors.of(502, "upstream answer was not JSON", null,
                    "bad_gateway"));
              } else if (!rc.response().ended() && !rc.response().closed()) {
                try {
                  answer.accept(gemini);
                } catch (MalformedUpstreamException | IllegalArgumentException e) {
                  OpenAiFailures.send(rc.response(), OpenAiErrors.of(502, "upstream answer was malformed: "
                      + e.getMessage(), null, "bad_gateway"));
                }
              }
            });
      }
    });
  }
}
