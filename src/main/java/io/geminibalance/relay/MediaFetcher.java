package io.geminibalance.relay;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Base64;
import java.util.Locale;

/**
 * Downloads media that OpenAI clients reference by http(s) URL, so it can go upstream inline.
 * Guarded because the gateway fetches on a client's behalf: a size cap, a timeout, few redirects,
 * and no private, loopback or link-local targets unless allowed (the address is checked after DNS
 * and then connected to directly, so a rebinding name cannot slip past the check).
 */
public final class MediaFetcher {
  private static final int MAX_REDIRECTS = 3;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Settings settings;

  /** Limits of the fetcher. */
  public record Settings(long maxBytes, long timeoutMillis, boolean allowPrivateAddresses) {}

  /** A fetched body, base64-encoded, with its media type. */
  public record Media(String mimeType, String base64) {}

  /** Why a URL could not be used; the message is safe to show the client. */
  public static final class MediaException extends RuntimeException {
    public MediaException(String message) {
      super(message);
    }
  }

  public MediaFetcher(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setConnectTimeout((int) settings.timeoutMillis()).setDecompressionSupported(true));
  }

  public Future<Media> fetch(String url) {
    return fetch(url, 0);
  }

  private Future<Media> fetch(String url, int redirects) {
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
    return resolve(uri.getHost()).compose(address -> get(uri, address, redirects));
  }

  private Future<InetAddress> resolve(String host) {
    return vertx.executeBlocking(() -> {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress address : all) {
        if (!settings.allowPrivateAddresses() && isPrivate(address)) {
          throw new MediaException("refusing to fetch from a private or local address: " + host);
        }
      }
      return all[0];
    }, false);
  }

  private Future<Media> get(URI uri, InetAddress address, int redirects) {
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
        .setHost(uri.getHost()).setPort(port).setSsl(tls)
        .setURI(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
        .setIdleTimeout(settings.timeoutMillis())
        .setHeaders(MultiMap.caseInsensitiveMultiMap().add("accept", "image/*,audio/*,*/*;q=0.5"));
    return client.request(options).compose(req -> req.send()).compose(resp -> read(uri, resp, redirects))
        .timeout(settings.timeoutMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private Future<Media> read(URI uri, HttpClientResponse resp, int redirects) {
    int status = resp.statusCode();
    if (status >= 300 && status < 400 && resp.getHeader("location") != null) {
      resp.end();
      if (redirects >= MAX_REDIRECTS) {
        return Future.failedFuture(new MediaException("too many redirects fetching " + uri));
      }
      return fetch(uri.resolve(resp.getHeader("location")).toString(), redirects + 1);
    }
    if (status != 200) {
      return Future.failedFuture(new MediaException("fetching " + uri + " gave HTTP " + status));
    }
    String length = resp.getHeader("content-length");
    if (length != null && Long.parseLong(length.strip()) > settings.maxBytes()) {
      resp.request().reset();
      return Future.failedFuture(new MediaException(tooLarge(uri)));
    }
    Buffer body = Buffer.buffer();
    io.vertx.core.Promise<Media> done = io.vertx.core.Promise.promise();
    resp.handler(chunk -> {
      body.appendBuffer(chunk);
      if (body.length() > settings.maxBytes()) {
        resp.request().reset();
        done.tryFail(new MediaException(tooLarge(uri)));
      }
    });
    resp.exceptionHandler(done::tryFail);
    resp.endHandler(v -> done.tryComplete(new Media(mimeType(resp.getHeader("content-type"), body.getBytes(), uri),
        Base64.getEncoder().encodeToString(body.getBytes()))));
    return done.future();
  }

  private String tooLarge(URI uri) {
    return "media at " + uri + " is larger than " + settings.maxBytes() + " bytes";
  }

  /** The declared type when it is a real media type, else sniffed from the first bytes. */
  static String mimeType(String contentType, byte[] bytes, URI uri) {
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

  static boolean isPrivate(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress()
        || a.isSiteLocalAddress() || a.isMulticastAddress()) {
      return true;
    }
    byte[] raw = a.getAddress();
    if (a instanceof Inet6Address) {
      return (raw[0] & 0xfe) == 0xfc; // fc00::/7 unique local
    }
    int first = raw[0] & 0xff;
    int second = raw[1] & 0xff;
    return first == 0 || (first == 100 && second >= 64 && second <= 127) // CGNAT 100.64/10
        || (first == 169 && second == 254) || (first == 198 && (second == 18 || second == 19));
  }

  public void close() {
    client.close();
  }
}
