package io.geminibalance.sdk;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/** A tiny image host on 127.0.0.1: serves one PNG at any path and counts the hits. */
final class LocalImageServer implements AutoCloseable {
  static final byte[] PNG = Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

  private final HttpServer server;
  private final AtomicInteger hits = new AtomicInteger();

  private LocalImageServer(HttpServer server) {
    this.server = server;
  }

  static LocalImageServer start() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    LocalImageServer images = new LocalImageServer(server);
    server.createContext("/", exchange -> {
      images.hits.incrementAndGet();
      exchange.getResponseHeaders().add("content-type", "image/png");
      exchange.sendResponseHeaders(200, PNG.length);
      exchange.getResponseBody().write(PNG);
      exchange.close();
    });
    server.start();
    return images;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  int hits() {
    return hits.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
