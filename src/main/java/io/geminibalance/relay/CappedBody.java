package io.geminibalance.relay;

import io.geminibalance.upstream.ClientBodyException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A client's request body passed through as it arrives, failing with a 413
 * {@link ClientBodyException} at the first chunk past {@code maxBytes}: whatever the client
 * declared, no more than that reaches Google. Nothing is held here.
 */
final class CappedBody implements ReadStream<Buffer> {
  private final ReadStream<Buffer> source;
  private final long maxBytes;
  private final String limitText;
  private Handler<Throwable> exceptionHandler;
  private long received;
  private boolean failed;

  /** @param limitText how the limit is named in the client's error */
  CappedBody(ReadStream<Buffer> source, long maxBytes, String limitText) {
    this.source = source;
    this.maxBytes = maxBytes;
    this.limitText = limitText;
  }

  /** Whether the body went past the limit. */
  boolean exceeded() {
    return failed && received > maxBytes;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : chunk -> {
      if (failed) {
        return;
      }
      received += chunk.length();
      if (received > maxBytes) {
        failed = true;
        source.pause();
        if (exceptionHandler != null) {
          exceptionHandler.handle(new ClientBodyException(413, "The upload is larger than " + limitText + "."));
        }
        return;
      }
      handler.handle(chunk);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    source.exceptionHandler(handler == null ? null : err -> {
      if (!failed) {
        failed = true;
        handler.handle(err);
      }
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    source.endHandler(handler == null ? null : v -> {
      if (!failed) {
        handler.handle(v);
      }
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    if (!failed) {
      source.resume();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (!failed) {
      source.fetch(amount);
    }
    return this;
  }
}
