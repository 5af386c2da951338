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
  void autoTakesEpollWhereLinuxHasIt() {
    assumeTrue(Transport.EPOLL.available(), "epoll is not available here");
    IoTransport.Choice choice = IoTransport.choose(Map.of());
    assertThat(choice.name()).isEqualTo("epoll");
    assertThat(choice.transport()).isSameAs(Transport.EPOLL);
    assertThat(choice.passedOver()).isNull();
  }

  @Test
  void autoFallsBackToNioAndSaysWhy() {
    Map<String, Transport> noEpoll = Map.of("epoll", unavailable("epoll", "not Linux"), "nio", Transport.NIO);
    IoTransport.Choice choice = IoTransport.choose("auto", noEpoll);
    assertThat(choice.name()).isEqualTo("nio");
    assertThat(choice.transport()).isSameAs(Transport.NIO);
    assertThat(choice.passedOver()).isEqualTo("epoll: java.lang.UnsupportedOperationException: not Linux");
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
    assertThatThrownBy(() -> IoTransport.choose(Map.of("IO_TRANSPORT", "io_uring")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("IO_TRANSPORT: 'io_uring' (expected: one of auto, epoll, nio)");
  }

  @Test
  void aNamedTransportThisHostLacksIsAConfigurationErrorNotASilentFallback() {
    Map<String, Transport> noEpoll = Map.of("epoll", unavailable("epoll", "not Linux"), "nio", Transport.NIO);
    assertThatThrownBy(() -> IoTransport.choose("epoll", noEpoll))
        .isInstanceOf(ConfigException.class)
        .hasMessage("IO_TRANSPORT: 'epoll' is not available here (java.lang.UnsupportedOperationException: "
            + "not Linux); use auto to fall back to NIO");
  }

  @Test
  void epollClassesMissingFromTheClassPathCountAsUnavailable() {
    Map<String, Transport> nioOnly = Map.of("nio", Transport.NIO);
    assertThat(IoTransport.choose("auto", nioOnly))
        .isEqualTo(new IoTransport.Choice("nio", Transport.NIO, "epoll: its classes are not on the class path"));
    assertThatThrownBy(() -> IoTransport.choose("epoll", nioOnly))
        .isInstanceOf(ConfigException.class)
        .hasMessage("IO_TRANSPORT: 'epoll' is not available here (its classes are not on the class path); "
            + "use auto to fall back to NIO");
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

  /** Gateway-level tests run on what auto picks; here each transport carries a plain and a streamed call. */
  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void theGatewayServesOnEachTransportThisHostHas(String name) throws Exception {
    Transport transport = name.equals("epoll") ? Transport.EPOLL : Transport.NIO;
    assumeTrue(transport.available(), () -> name + " is not available here: " + transport.unavailabilityCause());
    try (GatewayHarness h = GatewayHarness.start(Map.of("IO_TRANSPORT", name))) {
      assertThat(((VertxInternal) h.vertx).transport().getClass().getSimpleName())
          .isEqualToIgnoringCase(name + "Transport");
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
