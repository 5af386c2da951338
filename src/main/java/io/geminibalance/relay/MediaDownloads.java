package io.geminibalance.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.MediaPlaceholders;
import io.geminibalance.protocol.openai.MediaPlaceholders.FetchedMedia;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.BiConsumer;

/**
 * Downloads the image URLs of a translated OpenAI request (chat messages, Responses input) into
 * its placeholders, within the per-request and gateway-wide bounds of {@link ImageBudget}, and
 * answers the client when that fails. One place for every translated surface.
 */
final class MediaDownloads {
  private final MediaFetcher media;

  MediaDownloads(MediaFetcher media) {
    this.media = media;
  }

  /** A body ready to send and the downloaded bytes in it (to size the buffer it is written to). */
  record Fetched(ObjectNode body, long mediaBytes) {}

  /**
   * Downloads {@code urls} into {@code body} and hands the result and its budget (release it once
   * Google has the body) to {@code then}; answers the client itself when the request has too many
   * URLs or a download fails, naming {@code param} (the request field holding the images).
   */
  void download(RoutingContext rc, ObjectNode body, List<String> urls, ImageLimits limits, String param,
      BiConsumer<Fetched, ImageBudget.Request> then) {
    List<String> distinct = urls.stream().distinct().toList();
    if (refuseTooMany(rc, distinct, limits, param)) {
      return;
    }
    ImageBudget.Request budget = media.requestBudget(limits);
    fetch(body, distinct, budget).onComplete(ar -> {
      if (ar.failed()) {
        budget.release();
        failure(rc, ar.cause(), param);
      } else {
        then.accept(ar.result(), budget);
      }
    });
  }

  private static boolean refuseTooMany(RoutingContext rc, List<String> urls, ImageLimits limits, String param) {
    if (urls.size() <= limits.perRequest()) {
      return false;
    }
    OpenAiResponses.error(rc.response(), 400, "This request has " + urls.size() + " image URLs to download;"
        + " the gateway downloads at most " + limits.perRequest() + " per request (MAX_IMAGE_DOWNLOADS)."
        + " Send fewer, or send images inline as data: URLs.", "invalid_request_error", param,
        "too_many_image_urls");
    return true;
  }

  /** Answers a failed download: 503 when the gateway is busy, else a 400 naming {@code param}. */
  private static void failure(RoutingContext rc, Throwable cause, String param) {
    if (cause instanceof ImageBudget.Exceeded exceeded && exceeded.gatewayWide()) {
      rc.response().putHeader("retry-after", Long.toString(ImageBudget.RETRY_AFTER_SECONDS));
      OpenAiResponses.error(rc.response(), 503, exceeded.getMessage(), "server_error", null,
          "image_downloads_busy");
    } else if (cause instanceof ImageBudget.Exceeded exceeded) {
      OpenAiResponses.error(rc.response(), 400, exceeded.getMessage(), "invalid_request_error", param,
          "image_too_large");
    } else {
      OpenAiResponses.error(rc.response(), 400, "Could not use an image URL: " + cause.getMessage(),
          "invalid_request_error", param, "invalid_image_url");
    }
  }

  /** {@code body} with every URL downloaded, a few at a time; the first failure ends it. */
  private Future<Fetched> fetch(ObjectNode body, List<String> urls, ImageBudget.Request budget) {
    if (urls.isEmpty()) {
      return Future.succeededFuture(new Fetched(body, 0));
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
      return Future.succeededFuture(new Fetched(MediaPlaceholders.withFetchedMedia(body, fetched), bytes));
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
}
