package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.auth.ModelGlobs;
import io.geminibalance.protocol.openai.ModelListTranslator;
import io.geminibalance.protocol.openai.OpenAiErrors;
import io.geminibalance.protocol.openai.TranslationOptions;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;
import java.util.List;

/** {@code GET models} and {@code GET models/{id}} on the OpenAI surface, from the cached catalog. */
final class OpenAiModels {
  /** A fixed {@code created} for every model: the gateway has no real creation dates. */
  private static final long CREATED = System.currentTimeMillis() / 1000;

  private OpenAiModels() {}

  /** @param gatewayModels the models the gateway serves itself ({@code <CREATE_IMAGE_MODEL>-chat}) */
  static void list(RoutingContext rc, ModelCatalog catalog, TranslationOptions options, List<String> gatewayModels,
      RequestContext ctx) {
    catalog.models(ctx.client()).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      ObjectNode list = new ModelListTranslator(options, gatewayModels).toOpenAiList(
          ModelCatalog.asPages(ar.result()), CREATED);
      if (ctx.token() != null && !ctx.token().models().isEmpty()) {
        // A managed token lists only the models it may use.
        Iterator<JsonNode> entries = list.withArray("data").elements();
        while (entries.hasNext()) {
          if (!ModelGlobs.allows(ctx.token().models(), checkedModel(options, entries.next().path("id").asText()))) {
            entries.remove();
          }
        }
      }
      rc.response().putHeader("content-type", "application/json; charset=UTF-8").end(list.toString());
    });
  }

  /**
   * {@code id} was checked with the request's path ({@code TranslatedPath}), before its body. A
   * managed token is refused a model its list leaves out (403, as a chat on it would be) before
   * the catalog is read, which may go upstream.
   */
  static void one(RoutingContext rc, ModelCatalog catalog, TranslationOptions options, List<String> gatewayModels,
      RequestContext ctx, String id) {
    UpstreamResult.Failed refused = UpstreamExecutor.modelRefused(ctx, checkedModel(options, id));
    if (refused != null) {
      OpenAiFailures.send(rc.response(), refused, id);
      return;
    }
    catalog.models(ctx.client()).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      new ModelListTranslator(options, gatewayModels).find(ModelCatalog.asPages(ar.result()), id, CREATED).ifPresentOrElse(
          model -> rc.response().putHeader("content-type", "application/json; charset=UTF-8").end(model.toString()),
          () -> OpenAiFailures.send(rc.response(), OpenAiErrors.of(404,
              "The model '" + id + "' does not exist", "model", "model_not_found")));
    });
  }

  /**
   * The model a token's list is matched against for the listed or looked-up {@code id}: an alias
   * stands for its target, as when a chat names it, so that the list, the lookup and the use agree.
   */
  private static String checkedModel(TranslationOptions options, String id) {
    return options.aliases().resolve(id);
  }

  private static void fail(RoutingContext rc, Throwable cause) {
    if (cause instanceof ModelCatalog.FetchFailed failed) {
      OpenAiFailures.send(rc.response(), failed.failed(), "");
    } else {
      OpenAiFailures.send(rc.response(), OpenAiErrors.of(502, "model list unavailable: " + cause.getMessage(),
          null, "bad_gateway"));
    }
  }
}
