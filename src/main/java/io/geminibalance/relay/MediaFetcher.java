package io.geminibalance.relay;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Downloads media that OpenAI clients reference by http(s) URL, so it can go upstream inline.
 * Guarded because the gateway fetches on a client's behalf: the request's and the gateway's
 * {@link ImageBudget} (count, bytes, downloads at once), a timeout, few redirects, and only
 * globally reachable targets unless allowed ({@link PrivateAddresses}; the address is checked
 * after DNS and then connected to directly, so a rebinding name cannot slip past the check).
 *
 * <p>A body is read into one array: sized by Content-Length when the server sends one (after
 * the request's cap allowed it), else gathered chunk by chunk, each chunk counted against the cap
 * as it arrives, and copied once into an array of the exact size at the end. The array is handed
 * on as it is: it is base64-encoded only when the request body is written (see
 * {@code MediaPlaceholders}), straight into the buffer that goes to Google.
 */
public final class MediaFetcher {
  private static final int MAX_REDIRECTS = 3;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Settings settings;
  private final ImageBudget budget;

  /** Limits of the fetcher. */
  public record Settings(long timeoutMillis, boolean allowPrivateAddresses) {}

  /** A fetched body with its media type; {@code bytes} is exactly the body. */
  public record Media(String mimeType, byte[] bytes) {}

  /** Why a URL could not be used; the message is safe to show the client. */
  public static final class MediaException extends RuntimeException {
    public MediaException(String message) {
      super(message);
    }
  }

  public MediaFetcher(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.budget = new ImageBudget(vertx);
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setConnectTimeout((int) settings.timeoutMillis()).setDecompressionSupported(true));
  }

  /** A new request's share of the gateway's image budget, under {@code limits}. */
  public ImageBudget.Request requestBudget(ImageLimits limits) {
    return budget.request(limits);
  }

  /** What all downloads hold now. */
  public ImageBudget budget() {
    return budget;
  }

  /**
   * Downloads {@code url} within {@code budget}: waits for a gateway download slot, holds it
   * through redirects, and counts every byte against the request's cap.
   */
  public Future<Media> fetch(String url, ImageBudget.Request budget) {
    return budget.slot().compose(v -> {
      if (budget.abandoned()) {
        budget.releaseSlot();
        return Future.failedFuture(new ImageBudget.Exceeded("the request was given up", false));
      }
      return fetch(url, budget, 0).andThen(done -> budget.releaseSlot());
    });
  }

  private Future<Media> fetch(String url, ImageBudget.Request budget, int redirects) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new MediaException("not a valid URL: " + url));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      return Future.failedFuture(new MediaException("only http(s) URLs can be fetched: " + url));
    }
    return resolve(uri.getHost()).compose(address -> get(uri, address, budget, redirects));
  }

  private Future<InetAddress> resolve(String host) {
    return vertx.executeBlocking(() -> {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress address : all) {
        if (!settings.allowPrivateAddresses() && PrivateAddresses.contains(address)) {
          throw new MediaException("refusing to fetch from a private or local address: " + host);
        }
      }
      return all[0];
    }, false);
  }

  private Future<Media> get(URI uri, InetAddress address, ImageBudget.Request budget, int redirects) {
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
        .setHost(uri.getHost()).setPort(port).setSsl(tls)
        .setURI(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
        .setIdleTimeout(settings.timeoutMillis())
        .setHeaders(MultiMap.caseInsensitiveMultiMap().add("accept", "image/*,audio/*,*/*;q=0.5"));
    HttpClientRequest[] sent = {null};
    return client.request(options).compose(req -> {
      sent[0] = req;
      return req.send();
    }).compose(resp -> read(uri, resp, budget, redirects))
        .timeout(settings.timeoutMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onFailure(e -> {
          if (sent[0] != null) {
            sent[0].reset(); // a body still arriving after a timeout would go on filling memory
          }
        });
  }

  private Future<Media> read(URI uri, HttpClientResponse resp, ImageBudget.Request budget, int redirects) {
    int status = resp.statusCode();
    if (status >= 300 && status < 400 && resp.getHeader("location") != null) {
      resp.end();
      if (redirects >= MAX_REDIRECTS) {
        return Future.failedFuture(new MediaException("too many redirects fetching " + uri));
      }
      return fetch(uri.resolve(resp.getHeader("location")).toString(), budget, redirects + 1);
    }
    if (status != 200) {
      abort(resp);
      return Future.failedFuture(new MediaException("fetching " + uri + " gave HTTP " + status));
    }
    long declared = contentLength(resp);
    Body body;
    try {
      if (declared >= 0) {
        budget.reserve(declared, uri.toString());
        body = new Body.Sized(new byte[(int) declared]);
      } else {
        body = new Body.Chunked();
      }
    } catch (RuntimeException e) {
      abort(resp);
      return Future.failedFuture(e);
    }
    Promise<Media> done = Promise.promise();
    resp.handler(chunk -> {
      try {
        if (budget.abandoned()) {
          throw new ImageBudget.Exceeded("the request was given up", false);
        }
        if (declared < 0) {
          budget.reserve(chunk.length(), uri.toString());
        }
        body.append(chunk, uri);
      } catch (RuntimeException e) {
        done.tryFail(e); // first: the reset fails the response too, with a less useful message
        abort(resp);
      }
    });
    resp.exceptionHandler(done::tryFail);
    resp.endHandler(v -> {
      try {
        byte[] bytes = body.bytes(uri);
        done.tryComplete(new Media(mimeType(resp.getHeader("content-type"), bytes), bytes));
      } catch (RuntimeException e) {
        done.tryFail(e);
      }
    });
    return done.future();
  }

  /** Stops reading a body the gateway will not use, and closes that connection. */
  private static void abort(HttpClientResponse resp) {
    resp.handler(null);
    resp.exceptionHandler(e -> { }); // the reset itself is reported here
    resp.request().reset();
  }

  /** The declared length, or -1 when absent or not a number (then the chunks are counted). */
  private static long contentLength(HttpClientResponse resp) {
    String length = resp.getHeader("content-length");
    if (length == null || resp.getHeader("content-encoding") != null) {
      return -1; // a decompressed body has another length than the one declared
    }
    try {
      long value = Long.parseLong(length.strip());
      return value < 0 ? -1 : value;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A body being read: into its final array, or as chunks when the length is not known. */
  private sealed interface Body {
    void append(Buffer chunk, URI uri);

    byte[] bytes(URI uri);

    final class Sized implements Body {
      private final byte[] bytes;
      private int length;

      Sized(byte[] bytes) {
        this.bytes = bytes;
      }

      @Override
      public void append(Buffer chunk, URI uri) {
        if (chunk.length() > bytes.length - length) {
          throw new MediaException(uri + " sent more than its Content-Length");
        }
        chunk.getBytes(0, chunk.length(), bytes, length);
        length += chunk.length();
      }

      @Override
      public byte[] bytes(URI uri) {
        if (length != bytes.length) {
          throw new MediaException(uri + " ended before its Content-Length");
        }
        return bytes;
      }
    }

    final class Chunked implements Body {
      private final List<Buffer> chunks = new ArrayList<>();
      private int length;

      @Override
      public void append(Buffer chunk, URI uri) {
        chunks.add(chunk);
        length += chunk.length();
      }

      @Override
      public byte[] bytes(URI uri) {
        byte[] bytes = new byte[length];
        int at = 0;
        for (Buffer chunk : chunks) {
          chunk.getBytes(0, chunk.length(), bytes, at);
          at += chunk.length();
        }
        chunks.clear();
        return bytes;
      }
    }
  }

  /** The declared type when it is a real media type, else sniffed from the first bytes. */
  static String mimeType(String contentType, byte[] bytes) {
    if (contentType != null) {
      String type = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
      if (type.equals("image/jpg")) {
        return "image/jpeg";
      }
      if (type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/")
          || type.equals("application/pdf")) {
        return type;
      }
    }
    return sniff(bytes);
  }

  static String sniff(byte[] b) {
    if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "image/png";
    }
    if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
      return "image/jpeg";
    }
    if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
      return "image/gif";
    }
    if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B') {
      return "image/webp";
    }
    if (b.length >= 4 && b[0] == '%' && b[1] == 'P' && b[2] == 'D' && b[3] == 'F') {
      return "application/pdf";
    }
    return "application/octet-stream";
  }

  public void close() {
    client.close();
  }
}
