package io.geminibalance.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * One HTTP server instance on its own event loop. Several instances listening on the same port
 * share it; Vert.x spreads connections across them.
 */
public final class HttpServerVerticle extends VerticleBase {
  private final Routes.Dependencies deps;
  private final String host;
  private final int port;
  private HttpServer server;

  public HttpServerVerticle(Routes.Dependencies deps, String host, int port) {
    this.deps = deps;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setTcpNoDelay(true)
        .setCompressionSupported(false)
        .setIdleTimeout(0)
        // No WebSocket route exists: keep Netty's WebSocket extension handler off the request path.
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false);
    return vertx.createHttpServer(options)
        .requestHandler(Routes.build(vertx, deps))
        .listen(port, host)
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
