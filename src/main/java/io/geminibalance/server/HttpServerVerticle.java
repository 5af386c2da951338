package io.geminibalance.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * One HTTP server instance on its own event loop. Several instances listening on the same port
 * share it; Vert.x spreads connections across them.
 */
public final class HttpServerVerticle extends VerticleBase {
  private final Routes.Dependencies deps;
  private final ClientConnections connections;
  private final String host;
  private final int port;
  private HttpServer server;

  /** {@code connections}: shared by every instance, so that MAX_CLIENT_CONNECTIONS counts them all. */
  public HttpServerVerticle(Routes.Dependencies deps, ClientConnections connections, String host, int port) {
    this.deps = deps;
    this.connections = connections;
    this.host = host;
    this.port = port;
  }

  private static final int MAX_CHUNK_BYTES = 64 * 1024;

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setTcpNoDelay(true)
        .setCompressionSupported(false)
        // Vert.x's idle timeout would also cut a stream whose upstream is quiet: ClientConnections
        // times out only connections that wait for their client.
        .setIdleTimeout(0)
        // HTTP/1.1 request bodies in pieces of up to 64 KiB (Netty's largest read) rather than 8 KiB:
        // a streamed upload then costs one upstream write per read instead of eight.
        .setMaxChunkSize(MAX_CHUNK_BYTES)
        // The Live API relays frames as they come: no compression extension (and no Netty extension
        // handler on the request path).
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setMaxWebSocketFrameSize(deps.liveRelay().maxMessageBytes())
        .setMaxWebSocketMessageSize(deps.liveRelay().maxMessageBytes());
    Router router = Routes.build(vertx, deps);
    return connections.createServer(vertx, options)
        .requestHandler(request -> {
          RequestIds.assign(request, deps.clock().getAsLong());
          if (deps.drain().draining() && !Routes.HEALTH.equals(request.path())) {
            Routes.refuseWhileDraining(request);
          } else {
            router.handle(request);
          }
        })
        .invalidRequestHandler(RoutingFailures::invalidRequest)
        .listen(port, host)
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
