package io.geminibalance.app;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.geminibalance.config.ConfigException;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IoTransportTest {

  @Test
  void autoTakesTheFirstAvailableOfIoUringEpollNio() {
    IoTransport.Choice choice = IoTransport.choose(Map.of());
    String expected = Transport.IO_URING.available() ? "io_uring" : Transport.EPOLL.available() ? "epoll" : "nio";
    assertThat(choice.name()).isEqualTo(expected);
    assertThat(choice.transport().available()).isTrue();
    // What it passed over is said (and logged at start-up), so a slower fallback is never silent.
    if (expected.equals("io_uring")) {
      assertThat(choice.passedOver()).isNull();
    } else {
      assertThat(choice.passedOver()).startsWith("io_uring: ");
    }
  }

  @Test
  void anExplicitChoiceIsTakenAsIsAndCaseDoesNotMatter() {
    IoTransport.Choice choice = IoTransport.choose(Map.of("IO_TRANSPORT", " NIO "));
    assertThat(choice.name()).isEqualTo("nio");
    assertThat(choice.transport()).isSameAs(Transport.NIO);
    assertThat(choice.passedOver()).isNull();
  }

  @Test
  void anUnknownNameIsAConfigurationErrorNamingTheSetting() {
    assertThatThrownBy(() -> IoTransport.choose(Map.of("IO_TRANSPORT", "kqueue")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("IO_TRANSPORT: 'kqueue' (expected: one of auto, io_uring, epoll, nio)");
  }

  @Test
  void aNamedTransportThisHostLacksIsAConfigurationErrorNotASilentFallback() {
    Map<String, Transport> noIoUring = Map.of("io_uring", unavailable("io_uring", "seccomp said no"),
        "epoll", Transport.NIO, "nio", Transport.NIO);
    assertThatThrownBy(() -> IoTransport.choose("io_uring", noIoUring))
        .isInstanceOf(ConfigException.class)
        .hasMessage("IO_TRANSPORT: 'io_uring' is not available here (java.lang.UnsupportedOperationException: "
            + "seccomp said no); use auto to fall back to the best available one");
  }

  @Test
  void autoFallsBackStepByStepAndSaysWhatItPassedOver() {
    Transport epoll = unavailable("epoll", "not Linux");
    Map<String, Transport> onlyEpoll = Map.of("io_uring", unavailable("io_uring", "kernel too old"),
        "epoll", Transport.EPOLL, "nio", Transport.NIO);
    IoTransport.Choice second = IoTransport.choose("auto", onlyEpoll);
    assertThat(second.name()).isEqualTo("epoll");
    assertThat(second.transport()).isSameAs(Transport.EPOLL);
    assertThat(second.passedOver()).isEqualTo("io_uring: java.lang.UnsupportedOperationException: kernel too old");

    Map<String, Transport> onlyNio = Map.of("io_uring", unavailable("io_uring", "kernel too old"),
        "epoll", epoll, "nio", Transport.NIO);
    IoTransport.Choice last = IoTransport.choose("auto", onlyNio);
    assertThat(last.name()).isEqualTo("nio");
    assertThat(last.transport()).isSameAs(Transport.NIO);
    assertThat(last.passedOver()).isEqualTo("io_uring: java.lang.UnsupportedOperationException: kernel too old; "
        + "epoll: java.lang.UnsupportedOperationException: not Linux");
  }

  private static Transport unavailable(String name, String why) {
    return new Transport() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean available() {
        return false;
      }

      @Override
      public Throwable unavailabilityCause() {
        return new UnsupportedOperationException(why);
      }

      @Override
      public io.vertx.core.spi.transport.Transport implementation() {
        throw new UnsupportedOperationException(why);
      }
    };
  }

  /** The whole suite runs on what auto picks; the fallbacks carry a plain and a streamed call too. */
  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void theGatewayServesOnEachTransportThisHostHas(String name) throws Exception {
    Transport transport = switch (name) {
      case "io_uring" -> Transport.IO_URING;
      case "epoll" -> Transport.EPOLL;
      default -> Transport.NIO;
    };
    assumeTrue(transport.available(), () -> name + " is not available here: " + transport.unavailabilityCause());
    try (GatewayHarness h = GatewayHarness.start(Map.of("IO_TRANSPORT", name))) {
      assertThat(((VertxInternal) h.vertx).transport().getClass().getSimpleName())
          .isEqualToIgnoringCase(name.replace("_", "") + "Transport");
      h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
          Replies.sse(List.of(Replies.chunk("a"), Replies.finalChunk("b")), 10));
      HttpResponse<String> unary = h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}",
          "x-goog-api-key", CLIENT_TOKEN);
      assertThat(unary.statusCode()).isEqualTo(200);
      assertThat(unary.body()).isEqualTo(Replies.TEXT_RESPONSE);
      HttpResponse<String> stream = h.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "{}",
          "x-goog-api-key", CLIENT_TOKEN);
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.body()).isEqualTo("data: " + Replies.chunk("a") + "\r\n\r\ndata: "
          + Replies.finalChunk("b") + "\r\n\r\n");
    }
  }
}
