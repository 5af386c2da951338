package io.geminibalance.logging;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.AccessMode;
import io.vertx.core.spi.context.storage.ContextLocal;

/**
 * The request id of the request being served, kept on the request's Vert.x context rather than in
 * SLF4J's MDC: each HTTP request runs on a context of its own (a duplicate of its event loop's),
 * and Vert.x runs everything the request starts there (upstream callbacks, timers, blocking work),
 * on whatever thread, while a thread-bound MDC would be wrong after the first asynchronous hop.
 * The log layouts read it for every line written while that context is current.
 *
 * <p>Vert.x sizes each context's locals when a Vert.x instance is built, so the local must be
 * registered before any instance exists; Vert.x loads its service providers (this class, listed in
 * {@code META-INF/services}) before it builds one, which registers it in time.
 */
public final class RequestIdLocal implements VertxServiceProvider {
  private static final ContextLocal<String> ID = ContextLocal.registerLocal(String.class);

  @Override
  public void init(VertxBootstrap bootstrap) {
    // Loading this class registered the local: nothing else to set up.
  }

  /** Sets the id on {@code context}, the request's own. */
  public static void set(Context context, String requestId) {
    context.putLocal(ID, AccessMode.CONCURRENT, requestId);
  }

  /** The id on {@code context}, or null. */
  public static String of(Context context) {
    return context == null ? null : context.getLocal(ID, AccessMode.CONCURRENT);
  }

  /** The id of the request whose context runs on this thread now, or null (no request, no Vert.x). */
  public static String current() {
    return of(Vertx.currentContext());
  }
}
