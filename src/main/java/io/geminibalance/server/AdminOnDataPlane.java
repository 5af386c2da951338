package io.geminibalance.server;

import io.geminibalance.auth.ClientAuthenticator;
import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.ClientToken;
import io.geminibalance.requestlog.KeyIdentity;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The data plane's answer to a credential that is not a client token: the admin token (accepted
 * on the data plane too, as in gemini-balance) or a failed authentication, counted against the
 * same per-address window as the admin API's ({@link AdminThrottle}). Without that, the data plane
 * would let anyone try admin tokens at full speed and then use the one that worked on
 * {@code /api}.
 *
 * <p>While an address is throttled, every credential from it that is not a client token gets 429,
 * the right admin token included, so neither plane confirms a guess; client tokens keep working,
 * so one misconfigured client behind a shared NAT does not lock out the others. Only this failure
 * path consults the throttle: a request with a client token costs nothing more (with REDIS_URL,
 * the others cost one Redis round trip, answered locally after REDIS_TIMEOUT_MS).
 */
final class AdminOnDataPlane {
  /** What the data plane does with a credential that is not a client token. */
  sealed interface Outcome {}

  /** The admin token: the request goes on under its identity. */
  record Admin(KeyIdentity identity) implements Outcome {}

  /** Neither a client token nor the admin token: 401, and one more failure for the address. */
  record Refused() implements Outcome {}

  /** The address has failed too often: 429 with this Retry-After, whatever the credential. */
  record Throttled(long retryAfterSeconds) implements Outcome {}

  private static final Refused REFUSED = new Refused();

  private final ClientAuthenticator authenticator;
  private final AdminThrottle throttle;
  private final ManagedTokenGate managed;
  private final ClientProtocol protocol;

  AdminOnDataPlane(ClientAuthenticator authenticator, AdminThrottle throttle) {
    this(authenticator, throttle, null, null);
  }

  /**
   * @param managed the managed tokens' checks, or null where none may come in
   * @param protocol the surface's protocol, which a managed token must be allowed
   */
  AdminOnDataPlane(ClientAuthenticator authenticator, AdminThrottle throttle, ManagedTokenGate managed,
      ClientProtocol protocol) {
    this.authenticator = authenticator;
    this.throttle = throttle;
    this.managed = managed;
    this.protocol = protocol;
  }

  /** For a {@code token} the caller sent that {@link ClientAuthenticator#client} did not match. */
  Future<Outcome> check(RoutingContext rc, String token) {
    String address = AdminThrottle.clientAddress(rc);
    return throttle.standing(address).otherwise(new AdminThrottle.Standing(0, 0)).compose(standing -> {
      if (standing.retryAfterSeconds() > 0) {
        return Future.succeededFuture(new Throttled(standing.retryAfterSeconds()));
      }
      KeyIdentity admin = authenticator.admin(token);
      if (admin != null) {
        throttle.succeeded(address, standing);
        return Future.succeededFuture(new Admin(admin));
      }
      return throttle.failed(address).otherwise((Void) null).map(REFUSED);
    });
  }

  /**
   * How a surface answers a credential that lets nobody in, each in its own error shape.
   *
   * @param refused neither a client token nor the admin token: 401
   * @param throttled the address has failed too often: 429 with this message (Retry-After is set)
   * @param token a managed token refused (401, 403, or 429 over its own limits, Retry-After set)
   */
  record Refusals(Consumer<RoutingContext> refused, BiConsumer<RoutingContext, String> throttled,
      ManagedTokenGate.Answer token) {}

  /**
   * Lets a client token, a managed token or the admin token in (its identity on the context for
   * the request log, then the next handler); answers anything else through {@code refusals}. In
   * that order: ALLOWED_TOKENS cost only their compares; a managed token ({@code sk-gb-...}) one
   * HMAC and a map lookup; an unknown {@code sk-gb-} value (the admin token has that prefix too)
   * goes on to the admin check and its failure throttle like any other credential.
   */
  void admit(RoutingContext rc, String token, Refusals refusals) {
    KeyIdentity client = authenticator.client(token);
    if (client != null) {
      rc.put(NativeAuth.CLIENT, client);
      rc.next();
      return;
    }
    if (managed != null) {
      ClientToken known = authenticator.managed(token);
      if (known != null) {
        managed.admit(rc, known, protocol, refusals.token());
        return;
      }
    }
    check(rc, token).onSuccess(outcome -> {
      switch (outcome) {
        case Admin accepted -> {
          rc.put(NativeAuth.CLIENT, accepted.identity());
          rc.next();
        }
        case Throttled throttled -> {
          rc.response().putHeader("retry-after", Long.toString(throttled.retryAfterSeconds()));
          refusals.throttled().accept(rc, throttledMessage(throttled.retryAfterSeconds()));
        }
        case Refused refused -> refusals.refused().accept(rc);
      }
    });
  }

  /** The message of a 429, in either protocol's error shape. */
  static String throttledMessage(long retryAfterSeconds) {
    return "Too many failed authentications from this address; try again in " + retryAfterSeconds
        + " s (client tokens still work).";
  }
}
