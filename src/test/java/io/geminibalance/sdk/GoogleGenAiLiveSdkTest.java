package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.AsyncSession;
import com.google.genai.Client;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.Content;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.LiveConnectConfig;
import com.google.genai.types.LiveSendClientContentParameters;
import com.google.genai.types.LiveServerMessage;
import com.google.genai.types.Modality;
import com.google.genai.types.Part;
import io.geminibalance.testing.FakeLive;
import io.geminibalance.testing.GatewayHarness;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Google's Gen AI Java SDK opens a Live session through the gateway and has a text turn answered
 * by {@link FakeLive}; the fake sees a pool key, never the client's token.
 *
 * <p>The SDK always connects with {@code wss://} (it swaps the base URL's scheme), so a deployment
 * puts a TLS-terminating proxy in front of the gateway for it. In the test an OkHttp interceptor
 * plays that proxy: it sends the SDK's upgrade request to the gateway's plain port unchanged
 * otherwise (path, headers, the client's key).
 */
class GoogleGenAiLiveSdkTest {
  static FakeLive live;
  static GatewayHarness h;

  @BeforeAll
  static void start() {
    live = FakeLive.start();
    h = GatewayHarness.start(Map.of("BASE_URL", live.baseUrl()));
  }

  @AfterAll
  static void stop() {
    h.close();
    live.close();
  }

  static Client sdk(String baseUrl, String token) {
    OkHttpClient plainInsteadOfTls = new OkHttpClient.Builder()
        .addInterceptor(chain -> {
          Request request = chain.request();
          return chain.proceed(request.newBuilder().url(request.url().newBuilder().scheme("http").build()).build());
        })
        .build();
    return Client.builder().apiKey(token).vertexAI(false)
        .httpOptions(HttpOptions.builder().baseUrl(baseUrl).build())
        .clientOptions(ClientOptions.builder().customHttpClient(plainInsteadOfTls).build())
        .build();
  }

  /** With and without a trailing slash: the second makes the SDK ask for {@code //ws/...}. */
  @ParameterizedTest
  @ValueSource(strings = {"", "/"})
  void liveConnectTextTurn(String trailing) throws Exception {
    live.reset();
    Client client = sdk(h.url(trailing), GatewayHarness.CLIENT_TOKEN);
    LiveConnectConfig config = LiveConnectConfig.builder().responseModalities(Modality.Known.TEXT).build();
    AsyncSession session = client.async.live.connect("gemini-live-2.5-flash-preview", config).get(20, TimeUnit.SECONDS);
    LinkedBlockingQueue<LiveServerMessage> messages = new LinkedBlockingQueue<>();
    session.receive(messages::add).get(10, TimeUnit.SECONDS);
    session.sendClientContent(LiveSendClientContentParameters.builder()
        .turns(Content.builder().role("user").parts(Part.fromText("Hello, live?")).build())
        .turnComplete(true).build()).get(10, TimeUnit.SECONDS);

    StringBuilder answer = new StringBuilder();
    boolean complete = false;
    for (int i = 0; i < 10 && !complete; i++) {
      LiveServerMessage message = messages.poll(10, TimeUnit.SECONDS);
      assertThat(message).as("a message from the Live session within 10 s").isNotNull();
      if (message.serverContent().isPresent()) {
        message.serverContent().get().modelTurn().flatMap(Content::parts)
            .ifPresent(parts -> parts.forEach(p -> p.text().ifPresent(answer::append)));
        complete = message.serverContent().get().turnComplete().orElse(false);
      }
    }
    assertThat(complete).isTrue();
    assertThat(answer.toString()).isEqualTo("echo: Hello, live?");

    FakeLive.Session upstream = live.nextSession();
    assertThat(upstream.path)
        .isEqualTo("/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent");
    assertThat(upstream.key()).isIn(GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C);
    upstream.headers.forEach(header -> assertThat(header.getValue()).doesNotContain(GatewayHarness.CLIENT_TOKEN));
    assertThat(upstream.query).isNull();
    assertThat(upstream.texts.peek()).contains("\"models/gemini-live-2.5-flash-preview\"");

    session.close().get(10, TimeUnit.SECONDS);
    assertThat(upstream.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
  }

  @Test
  void aWrongTokenFailsTheConnectBeforeAnyUpstreamSession() {
    live.reset();
    Client client = sdk(h.url(""), "not-a-token-of-this-gateway");
    CompletableFuture<AsyncSession> connecting =
        client.async.live.connect("gemini-live-2.5-flash-preview", LiveConnectConfig.builder().build());
    assertThatThrownBy(() -> connecting.get(20, TimeUnit.SECONDS)).hasMessageContaining("401");
    assertThat(live.all).isEmpty();
  }
}
