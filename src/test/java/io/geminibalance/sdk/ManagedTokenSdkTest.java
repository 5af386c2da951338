package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ManagedTokens;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A managed token's refusals as the official OpenAI and Anthropic SDKs see them: their own exception classes. */
class ManagedTokenSdkTest {
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();
  private static final String VALUE = "sk-gb-SdkManagedTokenForTests000001";

  @AfterEach
  void noTokens() {
    h.gateway.clientTokens().replace(List.of());
  }

  private static ChatCompletionCreateParams chat(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("hi").build();
  }

  private static MessageCreateParams message(String model) {
    return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("hi").build();
  }

  @Test
  void openAiSdkGetsRateLimitExceptionWithRetryAfterNamingTheTokensLimit() {
    ManagedTokens.awayFromMinuteEnd();
    ManagedTokens.use(h, "t-sdk-openai-rpm", "ci-bot", VALUE, List.of(), Set.of(), new TokenLimits(1L, null, null, null, null));
    OpenAIClient client = OpenAiSdkSupport.client(h, VALUE);
    assertThat(client.chat().completions().create(chat("gemini-2.5-flash")).choices()).isNotEmpty();
    RateLimitException e = catchThrowableOfType(RateLimitException.class,
        () -> client.chat().completions().create(chat("gemini-2.5-flash")));
    assertThat(e.statusCode()).isEqualTo(429);
    assertThat(e.headers().values("retry-after")).isNotEmpty();
    assertThat(e.getMessage()).contains("token 'ci-bot' is over its limit of 1 requests per minute");
    assertThat(e.code()).contains("token_rate_limit_exceeded");
  }

  @Test
  void openAiSdkGetsPermissionDeniedForAModelAndUnauthorizedWhenRevoked() {
    ManagedTokens.use(h, "t-sdk-openai-model", "ci-bot", VALUE, List.of("gemini-2.5-pro"), Set.of(), TokenLimits.NONE);
    OpenAIClient client = OpenAiSdkSupport.client(h, VALUE);
    PermissionDeniedException denied = catchThrowableOfType(PermissionDeniedException.class,
        () -> client.chat().completions().create(chat("gemini-2.5-flash")));
    assertThat(denied.getMessage()).contains("not allowed to use model 'gemini-2.5-flash'");
    // The OpenAI-compatible forward (/openai/v1) refuses it the same way.
    OpenAIClient compat = OpenAIOkHttpClient.builder().apiKey(VALUE).baseUrl(h.url("/openai/v1")).maxRetries(0)
        .build();
    PermissionDeniedException forwarded = catchThrowableOfType(PermissionDeniedException.class,
        () -> compat.chat().completions().create(chat("gemini-2.5-flash")));
    assertThat(forwarded.getMessage()).contains("not allowed to use model 'gemini-2.5-flash'");
    // Looking the model up is refused as using it is, on both (models.retrieve).
    for (OpenAIClient lookup : List.of(client, compat)) {
      PermissionDeniedException hidden = catchThrowableOfType(PermissionDeniedException.class,
          () -> lookup.models().retrieve("gemini-2.5-flash"));
      assertThat(hidden.getMessage()).contains("not allowed to use model 'gemini-2.5-flash'");
      assertThat(hidden.code()).contains("permission_denied");
    }
    assertThat(h.fake.requests()).isEmpty();
    assertThat(client.models().retrieve("gemini-2.5-pro").id()).isEqualTo("gemini-2.5-pro");

    h.gateway.clientTokens().replace(List.of());
    UnauthorizedException unknown = catchThrowableOfType(UnauthorizedException.class,
        () -> client.chat().completions().create(chat("gemini-2.5-flash")));
    assertThat(unknown.statusCode()).isEqualTo(401);
  }

  @Test
  void googleGenAiSdkGetsAClientExceptionLookingUpAModelTheTokenMayNotUse() {
    ManagedTokens.use(h, "t-sdk-genai-model", "ci-bot", VALUE, List.of("gemini-2.5-pro"), Set.of(), TokenLimits.NONE);
    Client genai = Client.builder().apiKey(VALUE).vertexAI(false)
        .httpOptions(HttpOptions.builder().baseUrl(h.url("")).build()).build();
    ClientException hidden = catchThrowableOfType(ClientException.class, () -> genai.models.get("gemini-2.5-flash", null));
    assertThat(hidden.code()).isEqualTo(403);
    assertThat(hidden.status()).isEqualTo("PERMISSION_DENIED");
    assertThat(hidden.message()).isEqualTo("token 'ci-bot' is not allowed to use model 'gemini-2.5-flash'");
    assertThat(h.fake.requests()).isEmpty();
    assertThat(genai.models.get("gemini-2.5-pro", null).name()).contains("models/gemini-2.5-pro");
  }

  @Test
  void anthropicSdkGetsPermissionDeniedAndRateLimitExceptions() {
    ManagedTokens.awayFromMinuteEnd();
    ManagedTokens.use(h, "t-sdk-anthropic", "ci-bot", VALUE, List.of("gemini-2.5-pro"), Set.of(ClientProtocol.ANTHROPIC),
        new TokenLimits(1L, null, null, null, null));
    AnthropicClient client = AnthropicSdkTest.client(h, "/anthropic", VALUE);
    com.anthropic.errors.PermissionDeniedException denied = catchThrowableOfType(
        com.anthropic.errors.PermissionDeniedException.class, () -> client.messages().create(message("gemini-2.5-flash")));
    assertThat(denied.getMessage()).contains("permission_error").contains("not allowed to use model");
    com.anthropic.errors.RateLimitException limited = catchThrowableOfType(
        com.anthropic.errors.RateLimitException.class, () -> client.messages().create(message("gemini-2.5-pro")));
    assertThat(limited.headers().values("retry-after")).isNotEmpty();
    assertThat(limited.getMessage()).contains("rate_limit_error").contains("over its limit of 1 requests per minute");
  }
}
