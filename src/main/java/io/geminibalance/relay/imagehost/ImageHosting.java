package io.geminibalance.relay.imagehost;

import io.geminibalance.config.ConfigValues;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image host in force (UPLOAD_PROVIDER and its settings, rebuilt when the settings change)
 * and the uploads of a whole answer's images. One HTTP client serves every provider; its pool
 * bounds the uploads in progress at once (more wait for a connection, within their timeout).
 */
public final class ImageHosting {
  private static final Logger LOG = LoggerFactory.getLogger(ImageHosting.class);
  /** Connections to the host at once, all requests together. */
  private static final int CONNECTIONS = 8;
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  /** An image to upload: its type and bytes as base64, as Google sent them. */
  public record Image(String mimeType, String base64) {}

  private final Supplier<ConfigValues> settings;
  private final HttpClientAgent client;
  private final HttpImageHost.Limits limits;
  private final InstantSource clock;
  private volatile Built built;

  private record Built(ConfigValues settings, Optional<ImageHost> host) {}

  public ImageHosting(Vertx vertx, Supplier<ConfigValues> settings, HttpImageHost.Limits limits,
      InstantSource clock) {
    this.settings = settings;
    this.limits = limits;
    this.clock = clock;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    host(); // an incomplete provider is reported at start, not at the first image
  }

  /** The host in force, or empty (answers carry data URLs). */
  public Optional<ImageHost> host() {
    ConfigValues current = settings.get();
    Built b = built;
    if (b == null || b.settings() != current) {
      b = new Built(current, build(current));
      built = b;
    }
    return b.host();
  }

  private Optional<ImageHost> build(ConfigValues values) {
    ImageHosts.Choice choice = ImageHosts.from(values);
    if (!choice.missing().isEmpty()) {
      LOG.warn("UPLOAD_PROVIDER={} lacks {}: generated images are answered as data URLs", choice.chosen(),
          String.join(", ", choice.missing()));
    }
    return choice.provider().map(p -> new HttpImageHost(p, client, limits, clock));
  }

  /**
   * Uploads {@code images} (all at once, each retried once), completing when every upload has
   * ended, with the URL of each image that was uploaded by its index; none without a host. Never
   * fails: an image without a URL is answered as a data URL.
   */
  public Future<Map<Integer, String>> uploadAll(List<Image> images) {
    return uploadAll(images, Promise.<Void>promise().future());
  }

  /**
   * As {@link #uploadAll(List)}, given up when {@code abandoned} completes (the client has left):
   * uploads in progress are reset and not retried.
   */
  public Future<Map<Integer, String>> uploadAll(List<Image> images, Future<Void> abandoned) {
    Optional<ImageHost> host = host();
    Map<Integer, String> urls = new ConcurrentHashMap<>();
    if (host.isEmpty() || images.isEmpty()) {
      return Future.succeededFuture(urls);
    }
    List<Future<?>> uploads = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      int index = i;
      Image image = images.get(i);
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(image.base64());
      } catch (IllegalArgumentException e) {
        continue; // not base64: passed on as Google sent it
      }
      uploads.add(host.get().upload(bytes, image.mimeType(), ImageFileNames.of(clock.instant(), image.mimeType()),
          abandoned)
          .onSuccess(url -> urls.put(index, url)));
    }
    return Future.join(uploads).transform(ar -> Future.succeededFuture(urls));
  }

  public void close() {
    client.close();
  }
}
