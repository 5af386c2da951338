package io.geminibalance.server;

import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.ClientTokenRegistry;
import io.geminibalance.auth.RunningRequests;
import io.geminibalance.auth.TokenCheck;
import io.geminibalance.auth.TokenLimiter;
import io.geminibalance.auth.TokenRefusal;
import io.geminibalance.upstream.RequestContext;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a managed token ({@code /api/tokens}) onto the data plane, or answers why not, from the
 * headers alone: revoked, disabled, expired (401), protocol or client address not allowed (403),
 * then its own limits (429 with Retry-After). An admitted request carries the token on the routing
 * context ({@link #TOKEN}: its models are checked by the upstream executor once the model is
 * known) and holds a concurrency slot until its response ends or its connection closes. Over the
 * same span it is one of the token's {@link RunningRequests}, cut ({@link #cut}) when the token
 * stops being valid.
 *
 * <p>The token's CIDRs are parsed once per registry snapshot (the registry replaces its list whole
 * on every change), never per request.
 */
final class ManagedTokenGate {
  /**
   * HTTP/2's CANCEL for a stream cut mid-answer (HTTP/1.1 closes the connection whatever the code);
   * the default code, NO_ERROR, would tell the client the answer had ended normally.
   */
  private static final long CANCEL = 8;

  private static final Logger LOG = LoggerFactory.getLogger(ManagedTokenGate.class);
  /** The admitted {@link ClientToken} on the routing context. */
  static final String TOKEN = "client.managedToken";
  /** The admitted request's {@link TokenLimiter.Slot} on the routing context, when it holds one. */
  static final String SLOT = "client.managedTokenSlot";
  /** The admitted request's {@link RequestContext}, once its endpoint has one ({@link #attach}). */
  private static final String CONTEXT = "client.managedTokenContext";
  /** Why the request was cut before it had a {@link RequestContext} (its body still coming). */
  private static final String CUT = "client.managedTokenCut";
  /** What a token whose CIDRs do not parse allows: no address (the admin API should refuse them first). */
  private static final TrustedProxies NOWHERE = TrustedProxies.NONE;

  /** A surface's error answer, in its own shape: status, message (Retry-After already set for a 429). */
  @FunctionalInterface
  interface Answer {
    void send(RoutingContext rc, TokenRefusal refusal);
  }

  private record Compiled(List<ClientToken> snapshot, Map<String, TrustedProxies> cidrs) {}

  private final ClientTokenRegistry registry;
  private final TokenLimiter limiter;
  private final RunningRequests running;
  private final InstantSource clock;
  private volatile Compiled compiled = new Compiled(List.of(), Map.of());

  ManagedTokenGate(ClientTokenRegistry registry, TokenLimiter limiter, RunningRequests running, InstantSource clock) {
    this.registry = registry;
    this.limiter = limiter;
    this.running = running;
    this.clock = clock;
  }

  /** Admits {@code token} on {@code protocol}'s surface (then {@code rc.next()}) or answers through {@code answer}. */
  void admit(RoutingContext rc, ClientToken token, ClientProtocol protocol, Answer answer) {
    TokenRefusal refused = TokenCheck.check(token, protocol, clock.instant(), addressAllowed(rc, token));
    if (refused != null) {
      answer.send(rc, refused);
      return;
    }
    if (rc.get(TOKEN) == token) {
      // A request rerouted after a URL repair passes authentication again: counted once, but it may
      // have landed on another surface, whose protocol the token must be allowed (checked above).
      rc.next();
      return;
    }
    // The request's own event loop, where a cut must run: the limiter may answer on another thread.
    Context context = rc.vertx().getOrCreateContext();
    if (!token.limits().any()) {
      admitted(rc, context, token, TokenLimiter.Slot.NONE, answer);
      return;
    }
    limiter.admit(token).onComplete(ar -> {
      if (ar.failed()) {
        // A limiter answers from its local counts when Redis fails; this is a bug, not an outage.
        LOG.warn("Token limiter failed; request of token {} let through", token.id(), ar.cause());
        admitted(rc, context, token, TokenLimiter.Slot.NONE, answer);
        return;
      }
      switch (ar.result()) {
        case TokenLimiter.Admitted admitted -> admitted(rc, context, token, admitted.slot(), answer);
        case TokenLimiter.OverLimit over -> {
          rc.response().putHeader("retry-after", Long.toString(over.refusal().retryAfterSeconds()));
          answer.send(rc, over.refusal());
        }
      }
    });
  }

  private void admitted(RoutingContext rc, Context context, ClientToken token, TokenLimiter.Slot slot,
      Answer answer) {
    RunningRequests.Registration entry = running.add(token,
        why -> context.runOnContext(v -> cut(rc, answer, why)));
    TokenLimiter.Slot held = () -> {
      slot.release();
      entry.remove();
    };
    // Called when the response ends and when the connection closes before that (client gone);
    // an answer the request reads on after its client left gives the slot back at its own end.
    rc.addEndHandler(v -> {
      RequestContext ctx = rc.get(CONTEXT);
      if (rc.response().ended() || ctx == null || !ctx.readsOnAfterClose()) {
        held.release();
      }
    });
    // A Live session's response never ends: its RequestContext releases the slot as the
    // client's WebSocket closes (a refused upgrade ends the response).
    rc.put(SLOT, held);
    if (rc.response().ended() || rc.response().closed()) {
      held.release();
      return;
    }
    rc.put(NativeAuth.CLIENT, token.identity());
    rc.put(TOKEN, token);
    rc.next();
  }

  /**
   * Hands the request's {@link RequestContext} what it needs from admission: the slot to give back
   * when its client goes (a Live session), and whether the request was cut already, before it had
   * one (then it stops at once).
   */
  static void attach(RoutingContext rc, RequestContext ctx) {
    ctx.releasesOnClose(rc.get(SLOT));
    if (rc.get(TOKEN) == null) {
      return;
    }
    rc.put(CONTEXT, ctx);
    TokenRefusal cutBefore = rc.get(CUT);
    if (cutBefore != null) {
      ctx.cut(cutBefore);
    }
  }

  /**
   * Stops a request whose token stopped being valid, on its own event loop: a Live session closes
   * itself (1008); a request answered nothing yet gets the refusal its surface gives at admission
   * (401, in the caller's shape) and its upstream call, if any, is reset; a response already
   * begun is cut at the upstream, which ends a stream with an error event in the caller's shape
   * and a plain body with a closed connection; with nothing upstream to cut, the connection is
   * closed (HTTP/2: the stream is reset). A native unary answer under way has its connection
   * closed but is not cut at the upstream: it is read on for its usage as when its client leaves
   * ({@link RequestContext#cutReadingOn}).
   */
  private static void cut(RoutingContext rc, Answer answer, TokenRefusal why) {
    HttpServerResponse response = rc.response();
    RequestContext ctx = rc.get(CONTEXT);
    if (ctx != null && ctx.cutsItself()) {
      ctx.cut(why);
      return;
    }
    if (response.ended() || response.closed()) {
      return;
    }
    if (!response.headWritten()) {
      answer.send(rc, why);
      if (ctx != null) {
        ctx.cut(why);
      } else {
        rc.put(CUT, why);
      }
      return;
    }
    if (ctx != null && ctx.cutReadingOn(why)) {
      // A unary answer under way: only the client is cut; the close reads the answer on for its usage.
      response.reset(CANCEL);
      return;
    }
    if (ctx == null || !ctx.cut(why)) {
      response.reset(CANCEL);
    }
  }

  private boolean addressAllowed(RoutingContext rc, ClientToken token) {
    if (token.cidrs().isEmpty()) {
      return true;
    }
    return cidrs(token).containsAddress(ClientOrigin.of(rc).address());
  }

  private TrustedProxies cidrs(ClientToken token) {
    List<ClientToken> snapshot = registry.all();
    Compiled current = compiled;
    if (current.snapshot() != snapshot) {
      Map<String, TrustedProxies> parsed = new HashMap<>();
      for (ClientToken t : snapshot) {
        if (!t.cidrs().isEmpty()) {
          parsed.put(t.id(), parse(t));
        }
      }
      current = new Compiled(snapshot, parsed);
      compiled = current;
    }
    TrustedProxies blocks = current.cidrs().get(token.id());
    return blocks != null ? blocks : parse(token);
  }

  private static TrustedProxies parse(ClientToken token) {
    try {
      return TrustedProxies.parse(token.cidrs());
    } catch (IllegalArgumentException e) {
      LOG.warn("Token {}: unreadable CIDRs, no address allowed: {}", token.id(), e.getMessage());
      return NOWHERE;
    }
  }
}
