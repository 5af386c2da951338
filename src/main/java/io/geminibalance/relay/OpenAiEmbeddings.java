package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.GeminiMethod;
import io.geminibalance.protocol.gemini.ModelAliases;
import io.geminibalance.protocol.openai.EmbeddingsTranslator;
import io.geminibalance.protocol.openai.EmbeddingsTranslator.EmbeddingsRequest;
import io.geminibalance.protocol.openai.MalformedUpstreamException;
import io.geminibalance.protocol.openai.OpenAiErrors;
import io.geminibalance.protocol.openai.TranslationException;
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
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST embeddings}: batches of {@code :batchEmbedContents}, sent one after another (each
 * batch is its own leased attempt, so a large input is spread over keys like any other load),
 * merged back in input order.
 */
final class OpenAiEmbeddings {
  private OpenAiEmbeddings() {}

  /** Thrown inside the chain when one batch fails; carries the failure to answer with. */
  private static final class BatchFailed extends RuntimeException {
    final transient UpstreamResult.Failed failed;

    BatchFailed(UpstreamResult.Failed failed) {
      super(failed.message(), null, false, false);
      this.failed = failed;
    }
  }

  static void handle(RoutingContext rc, UpstreamExecutor executor, RequestContext ctx, JsonNode body,
      ModelAliases aliases) {
    if (body == null) {
      return;
    }
    EmbeddingsRequest request;
    try {
      request = EmbeddingsTranslator.toGemini(body, aliases);
    } catch (TranslationException e) {
      OpenAiFailures.send(rc.response(), OpenAiErrors.fromTranslation(e));
      return;
    }
    sendBatches(executor, ctx, request, 0, new ArrayList<>()).onComplete(ar -> {
      if (ar.succeeded()) {
        ObjectNode answer;
        try {
          answer = EmbeddingsTranslator.toOpenAi(request, ar.result());
        } catch (MalformedUpstreamException e) {
          OpenAiFailures.send(rc.response(), OpenAiErrors.of(502, "upstream answer was malformed: " + e.getMessage(),
              null, "bad_gateway"));
          return;
        }
        rc.response().putHeader("content-type", "application/json; charset=UTF-8").end(answer.toString());
      } else if (ar.cause() instanceof BatchFailed failed) {
        OpenAiFailures.send(rc.response(), failed.failed, request.requestedModel());
      } else {
        OpenAiFailures.send(rc.response(), OpenAiErrors.of(502, "embedding failed: " + ar.cause().getMessage(),
            null, "bad_gateway"));
      }
    });
  }

  private static Future<List<JsonNode>> sendBatches(UpstreamExecutor executor, RequestContext ctx,
      EmbeddingsRequest request, int index, List<JsonNode> answers) {
    if (index == request.batches().size()) {
      return Future.succeededFuture(answers);
    }
    UpstreamCall call = new UpstreamCall(HttpMethod.POST,
        GeminiMethod.BATCH_EMBED_CONTENTS.pathFor(request.upstreamModel()), "", MultiMap.caseInsensitiveMultiMap(),
        OpenAiRelay.jsonBuffer(request.batches().get(index)),
        request.upstreamModel(), false, KeyPlacement.GOOG_API_KEY_HEADER, "openai-embedding");
    return executor.execute(call, ctx).compose(result -> {
      if (result instanceof UpstreamResult.Failed failed) {
        return Future.failedFuture(new BatchFailed(failed));
      }
      UpstreamResult.Answered answered = (UpstreamResult.Answered) result;
      return BodyRelay.collect(answered.response(), executor.bodyIdleTimeoutMillis()).compose(b -> {
        answers.add(parse(b));
        return sendBatches(executor, ctx, request, index + 1, answers);
      });
    });
  }

  private static JsonNode parse(Buffer body) {
    try {
      return OpenAiRelay.readJson(body);
    } catch (IOException e) {
      return OpenAiRelay.JSON.createObjectNode();
    }
  }
}
