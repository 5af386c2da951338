package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One direction of the Live relay, against two stand-in sockets: order, back-pressure, bounds. */
class FramePipeTest {
  /** A socket that records what is done to it; its write queue is full when the test says so. */
  static final class Socket {
    final List<WebSocketFrame> written = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    boolean closed;
    boolean queueFull;
    Handler<WebSocketFrame> frameHandler;
    Handler<Void> drainHandler;
    final WebSocketBase proxy = (WebSocketBase) Proxy.newProxyInstance(WebSocketBase.class.getClassLoader(),
        new Class<?>[] {WebSocketBase.class}, (self, method, args) -> switch (method.getName()) {
          case "frameHandler" -> {
            frameHandler = cast(args[0]);
            yield self;
          }
          case "drainHandler" -> {
            drainHandler = cast(args[0]);
            yield self;
          }
          case "writeFrame" -> {
            written.add((WebSocketFrame) args[0]);
            yield Future.succeededFuture();
          }
          case "writeQueueFull" -> queueFull;
          case "isClosed" -> closed;
          case "pause", "resume" -> {
            calls.add(method.getName());
            yield self;
          }
          default -> throw new UnsupportedOperationException(method.getName());
        });

    @SuppressWarnings("unchecked")
    private static <T> Handler<T> cast(Object handler) {
      return (Handler<T>) handler;
    }
  }

  final Socket from = new Socket();
  final Socket to = new Socket();
  final AtomicInteger activity = new AtomicInteger();
  final AtomicInteger tooBig = new AtomicInteger();

  FramePipe pipe(long maxMessageBytes) {
    return new FramePipe(from.proxy, to.proxy, maxMessageBytes, activity::incrementAndGet, tooBig::incrementAndGet)
        .start();
  }

  @Test
  void framesGoThroughAsTheyCameFragmentsIncluded() {
    pipe(100);
    WebSocketFrame head = WebSocketFrame.textFrame("ab", false);
    WebSocketFrame tail = WebSocketFrame.continuationFrame(Buffer.buffer("cd"), true);
    WebSocketFrame binary = WebSocketFrame.binaryFrame(Buffer.buffer(new byte[] {1, 2}), true);
    from.frameHandler.handle(head);
    from.frameHandler.handle(tail);
    from.frameHandler.handle(binary);
    assertThat(to.written).containsExactly(head, tail, binary);
    assertThat(activity.get()).isEqualTo(3);
    assertThat(from.calls).isEmpty();
  }

  @Test
  void aFullWriteQueuePausesTheSenderUntilItDrains() {
    pipe(100);
    from.frameHandler.handle(WebSocketFrame.textFrame("one", true));
    assertThat(from.calls).isEmpty();
    to.queueFull = true;
    from.frameHandler.handle(WebSocketFrame.textFrame("two", true));
    assertThat(to.written).hasSize(2);
    assertThat(from.calls).containsExactly("pause");
    to.queueFull = false;
    to.drainHandler.handle(null);
    assertThat(from.calls).containsExactly("pause", "resume");
  }

  @Test
  void aSenderThatHasClosedIsNotResumed() {
    pipe(100);
    to.queueFull = true;
    from.frameHandler.handle(WebSocketFrame.textFrame("one", true));
    from.closed = true;
    to.drainHandler.handle(null);
    assertThat(from.calls).containsExactly("pause");
  }

  @Test
  void pingsArePassedOnPongsAndClosesAreNot() {
    pipe(100);
    from.frameHandler.handle(WebSocketFrame.pingFrame(Buffer.buffer("hi")));
    from.frameHandler.handle(WebSocketFrame.pongFrame(Buffer.buffer("hi")));
    assertThat(to.written).hasSize(1);
    assertThat(to.written.get(0).type()).isEqualTo(WebSocketFrameType.PING);
    assertThat(to.written.get(0).binaryData().toString()).isEqualTo("hi");
  }

  @Test
  void aMessageOverTheLimitIsNotWrittenWhateverItsFragments() {
    pipe(10);
    from.frameHandler.handle(WebSocketFrame.textFrame("123456", false));
    from.frameHandler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("7890"), false));
    assertThat(tooBig.get()).isZero();
    from.frameHandler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("!"), true));
    assertThat(tooBig.get()).isEqualTo(1);
    assertThat(to.written).hasSize(2);
    // A new message starts the count again.
    from.frameHandler.handle(WebSocketFrame.binaryFrame(Buffer.buffer("0123456789"), true));
    assertThat(to.written).hasSize(3);
    assertThat(tooBig.get()).isEqualTo(1);
  }

  @Test
  void nothingIsWrittenToAClosedSocket() {
    pipe(100);
    to.closed = true;
    from.frameHandler.handle(WebSocketFrame.textFrame("late", true));
    from.frameHandler.handle(WebSocketFrame.pingFrame(Buffer.buffer("x")));
    assertThat(to.written).isEmpty();
    assertThat(from.calls).isEmpty();
  }
}
