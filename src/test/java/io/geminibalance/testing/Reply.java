package io.geminibalance.testing;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** How the fake upstream answers one request. */
@FunctionalInterface
public interface Reply {
  void send(Recorded request, HttpServerResponse response, HttpServerRequest raw);
}
