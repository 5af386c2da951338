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
 * Downloads the remote media of a translated request (its {@code fileData} placeholders), a few
 * at a time within the request's {@link ImageBudget}, and puts them inline. Every translated
 * surface (OpenAI chat, the Responses API, Anthropic messages) goes through here, so the limits
 * and the answers to a failed download are the same everywhere; each surface only renders the
 * {@link Refusal} in its own error shape ({@link #download} does it in OpenAI's).
 */
final class MediaDownloads {
  private final MediaFetcher media;

  MediaDownloads(MediaFetcher media) {
    this.media = media;
  }

  /** A body ready to send and the downloaded bytes in it (to size the buffer it is written to). */
  record Fetched(ObjectNode body, long mediaBytes) {}

  /**
   * Why the media of a request cannot be used, as the client is told.
   *
   * @param status 400 (the request's fault) or 503 (the gateway's downloads are busy)
   * @param code a short machine-readable reason
   * @param retryAfterSeconds for a 503, when to try again; else 0
   */
  record Refusal(int status, String message, String code, long retryAfterSeconds) {}

  /**
   * Downloads {@code urls} into {@code body} and hands the result and its budget (release it once
   * Google has the body) to {@code then}; answers the client itself, in OpenAI's error shape, when
   * the request has too many URLs or a download fails, naming {@code param} (the request field
   * holding the images).
   */
  void download(RoutingContext rc, ObjectNode body, List<String> urls, ImageLimits limits, String param,
      BiConsumer<Fetched, ImageBudget.Request> then) {
    List<String> distinct = urls.stream().distinct().toList();
    Refusal tooMany = tooMany(distinct, limits);
    if (tooMany != null) {
      openAiRefusal(rc, tooMany, param);
      return;
    }
    ImageBudget.Request budget = media.requestBudget(limits);
    fetchAll(media, body, distinct, budget).onComplete(ar -> {
      if (ar.failed()) {
        budget.release();
        openAiRefusal(rc, refusal(ar.cause()), param);
      } else {
        then.accept(ar.result(), budget);
      }
    });
  }

  private static void openAiRefusal(RoutingContext rc, Refusal refusal, String param) {
    if (refusal.retryAfterSeconds() > 0) {
      rc.response().putHeader("retry-after", Long.toString(refusal.retryAfterSeconds()));
    }
    boolean busy = refusal.status() >= 500;
    OpenAiResponses.error(rc.response(), refusal.status(), refusal.message(),
        busy ? "server_error" : "invalid_request_error", busy ? null : param, refusal.code());
  }

  /** The refusal for a request with more URLs than {@code limits} allow, or null when within them. */
  static Refusal tooMany(List<String> urls, ImageLimits limits) {
    if (urls.size() <= limits.perRequest()) {
      return null;
    }
    return new Refusal(400, "This request has " + urls.size() + " image URLs to download; the gateway downloads"
        + " at most " + limits.perRequest() + " per request (MAX_IMAGE_DOWNLOADS). Send fewer, or send images"
        + " inline as data: URLs.", "too_many_image_urls", 0);
  }

  /** The refusal for a failed download. */
  static Refusal refusal(Throwable cause) {
    if (cause instanceof ImageBudget.Exceeded exceeded && exceeded.gatewayWide()) {
      return new Refusal(503, exceeded.getMessage(), "image_downloads_busy", ImageBudget.RETRY_AFTER_SECONDS);
    } else if (cause instanceof ImageBudget.Exceeded exceeded) {
      return new Refusal(400, exceeded.getMessage(), "image_too_large", 0);
    }
    return new Refusal(400, "Could not use an image URL: " + cause.getMessage(), "invalid_image_url", 0);
  }

  /** {@code body} with every URL downloaded and inline; the first failure ends it. */
  static Future<Fetched> fetchAll(MediaFetcher media, ObjectNode body, List<String> urls,
      ImageBudget.Request budget) {
    if (urls.isEmpty()) {
      return Future.succeededFuture(new Fetched(body, 0));
    }
    Map<String, FetchedMedia> fetched = new ConcurrentHashMap<>();
    Deque<String> queue = new ConcurrentLinkedDeque<>(urls);
    List<Future<Void>> workers = new ArrayList<>();
    for (int i = 0; i < Math.min(ImageLimits.PER_REQUEST_CONCURRENCY, urls.size()); i++) {
      workers.add(drain(media, queue, fetched, budget));
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

  private static Future<Void> drain(MediaFetcher media, Deque<String> queue, Map<String, FetchedMedia> fetched,
      ImageBudget.Request budget) {
    String url = queue.poll();
    if (url == null || budget.abandoned()) {
      return Future.succeededFuture();
    }
    return media.fetch(url, budget).compose(m -> {
      fetched.put(url, new FetchedMedia(m.mimeType(), m.bytes()));
      return drain(media, queue, fetched, budget);
    }, failure -> {
      budget.abandon(); // the request fails: its other downloads stop
      return Future.failedFuture(failure);
    });
  }
}
