package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.ModelListTranslator;
import io.geminibalance.protocol.openai.ModelName;
import io.geminibalance.protocol.openai.OpenAiErrors;
import io.geminibalance.protocol.openai.TranslationOptions;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;

/** {@code GET models} and {@code GET models/{id}} on the OpenAI surface, from the cached catalog. */
final class OpenAiModels {
  /** A fixed {@code created} for every model: the gateway has no real creation dates. */
  private static final long CREATED = System.currentTimeMillis() / 1000;

  private OpenAiModels() {}

  /** @param images serves the image chat model ({@code <CREATE_IMAGE_MODEL>-chat}), listed after the catalog */
  static void list(RoutingContext rc, ModelCatalog catalog, TranslationOptions options, OpenAiImages images,
      RequestContext ctx) {
    catalog.models(ctx.client()).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      ObjectNode list = new ModelListTranslator(options, images.models()).toOpenAiList(
          ModelCatalog.asPages(ar.result()), CREATED);
      if (ctx.token() != null && !ctx.token().models().isEmpty()) {
        // A managed token lists only the models it may use.
        Iterator<JsonNode> entries = list.withArray("data").elements();
        while (entries.hasNext()) {
          if (refused(ctx, options, images, entries.next().path("id").asText()) != null) {
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
  static void one(RoutingContext rc, ModelCatalog catalog, TranslationOptions options, OpenAiImages images,
      RequestContext ctx, String id) {
    UpstreamResult.Failed refused = refused(ctx, options, images, id);
    if (refused != null) {
      OpenAiFailures.send(rc.response(), refused, id);
      return;
    }
    catalog.models(ctx.client()).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      new ModelListTranslator(options, images.models()).find(ModelCatalog.asPages(ar.result()), id, CREATED).ifPresentOrElse(
          model -> rc.response().putHeader("content-type", "application/json; charset=UTF-8").end(model.toString()),
          () -> OpenAiFailures.send(rc.response(), OpenAiErrors.of(404,
              "The model '" + id + "' does not exist", "model", "model_not_found")));
    });
  }

  /**
   * The 403 of a managed token whose list does not allow the listed or looked-up {@code id}, or
   * null, matched as a chat naming {@code id} is ({@link UpstreamCall#requestedModel}), so that the
   * list, the lookup and the use agree: an alias as its target, a virtual name ({@code -search},
   * {@code -image}, {@code -non-thinking}, the image chat model) by itself or by the model it stands for.
   */
  private static UpstreamResult.Failed refused(RequestContext ctx, TranslationOptions options, OpenAiImages images,
      String id) {
    String name = options.aliases().resolve(id);
    String imageBase = images.chatModelBase(name);
    return UpstreamExecutor.modelRefused(ctx, name,
        imageBase != null ? imageBase : ModelName.parse(name, options.imageModels()).base());
  }

  /**
   * {@code call} on the base model of {@code model}, named for a managed token's check as a list
   * or lookup names it ({@link #refused}): the name as sent, an alias as its target.
   */
  static UpstreamCall named(UpstreamCall call, TranslationOptions options, ModelName model) {
    return call.requestedAs(options.aliases().resolve(model.requested()));
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
