package io.geminibalance.streaming;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * Moves a paused upstream body to the client as it arrives, through a {@link ChunkTransformer},
 * with back-pressure: when the client's write queue is full the upstream read pauses until the
 * client drains, so a slow reader holds only a bounded amount of memory.
 */
public final class BodyRelay {
  private BodyRelay() {}

  /**
   * Starts relaying. The returned future completes when the client response has ended (or was
   * reset); it fails with the upstream error when the stream broke.
   */
  public static Future<Void> relay(HttpClientResponse upstream, HttpServerResponse client,
      ChunkTransformer transformer) {
    Promise<Void> done = Promise.promise();
    upstream.handler(chunk -> {
      if (client.closed()) {
        return;
      }
      for (Buffer out : transformer.onChunk(chunk)) {
        client.write(out);
      }
      if (client.writeQueueFull()) {
        upstream.pause();
        client.drainHandler(v -> upstream.resume());
      }
    });
    upstream.endHandler(v -> {
      if (!client.closed() && !client.ended()) {
        for (Buffer out : transformer.onEnd()) {
          client.write(out);
        }
        client.end();
      }
      done.tryComplete();
    });
    upstream.exceptionHandler(err -> {
      endAfterFailure(client, transformer, err);
      done.tryFail(err);
    });
    upstream.resume();
    return done.future();
  }

  private static void endAfterFailure(HttpServerResponse client, ChunkTransformer transformer,
      Throwable err) {
    if (client.closed() || client.ended()) {
      return;
    }
    Buffer errorEvent = transformer.onFailure(err);
    if (errorEvent == null) {
      client.reset();
    } else {
      client.end(errorEvent);
    }
  }
}
