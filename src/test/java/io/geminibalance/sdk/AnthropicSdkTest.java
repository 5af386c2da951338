package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's Messages API through the official anthropic-java SDK against the gateway and the
 * fake Gemini: what the SDK hands its caller and what went upstream.
 */
class AnthropicSdkTest {
  static GatewayHarness h;
  static AnthropicClient client;

  @BeforeAll
  static void start() {
    h = GatewayHarness.start();
    client = client(h, "/anthropic", GatewayHarness.CLIENT_TOKEN);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @BeforeEach
  void reset() {
    h.fake.reset();
  }

  static AnthropicClient client(GatewayHarness h, String prefix, String token) {
    return AnthropicOkHttpClient.builder().baseUrl(h.url(prefix)).apiKey(token).maxRetries(0).build();
  }

  static final String ANSWER = """
      {"candidates":[{"content":{"role":"model","parts":[{"text":"The answer "},{"text":"is 42."}]},
        "finishReason":"STOP","index":0}],
       "usageMetadata":{"promptTokenCount":11,"candidatesTokenCount":5,"totalTokenCount":16,
        "cachedContentTokenCount":4}}""";

  @Test
  void plainMessageMapsContentStopReasonUsageAndTheUpstreamRequest() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, ANSWER));
    Message message = client.messages().create(MessageCreateParams.builder()
        .model("claude-sonnet-4-5-20250929")
        .maxTokens(256)
        .system("Be brief.")
        .addUserMessage("What is six times seven?")
        .addAssistantMessage("Let me see.")
        .addUserMessage("Well?")
        // This SDK version has no setters for them (newer Claude models take none); clients still send them.
        .putAdditionalBodyProperty("temperature", JsonValue.from(0.3))
        .putAdditionalBodyProperty("top_p", JsonValue.from(0.9))
        .putAdditionalBodyProperty("top_k", JsonValue.from(40))
        .stopSequences(List.of("END"))
        .build());
    message.validate();
    assertThat(message.id()).startsWith("msg_");
    assertThat(message.model().asString()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(message.content()).hasSize(1);
    assertThat(message.content().get(0).asText().text()).isEqualTo("The answer is 42.");
    assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
    assertThat(message.usage().inputTokens()).isEqualTo(7);
    assertThat(message.usage().cacheReadInputTokens()).hasValue(4L);
    assertThat(message.usage().outputTokens()).isEqualTo(5);

    assertThat(h.fake.requests().get(0).path()).endsWith("/models/gemini-2.5-pro:generateContent");
    JsonNode upstream = OpenAiSdkSupport.onlyUpstream(h, ":generateContent");
    assertThat(upstream.path("systemInstruction")).isEqualTo(OpenAiSdkSupport.tree(
        "{\"parts\":[{\"text\":\"Be brief.\"}]}"));
    assertThat(upstream.path("contents")).isEqualTo(OpenAiSdkSupport.tree("""
        [{"role":"user","parts":[{"text":"What is six times seven?"}]},
         {"role":"model","parts":[{"text":"Let me see."}]},
         {"role":"user","parts":[{"text":"Well?"}]}]"""));
    assertThat(upstream.path("generationConfig")).isEqualTo(OpenAiSdkSupport.tree("""
        {"maxOutputTokens":256,"temperature":0.3,"topP":0.9,"topK":40,"stopSequences":["END"]}"""));
    assertThat(h.fake.requests().get(0).headers().contains("anthropic-version")).isFalse();
  }

  @Test
  void theRootPathServesTheSameApiAndGeminiNamesPassThrough() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, ANSWER));
    AnthropicClient root = client(h, "", GatewayHarness.CLIENT_TOKEN);
    Message message = root.messages().create(MessageCreateParams.builder()
        .model("gemini-2.5-flash").maxTokens(64).addUserMessage("hi").build());
    assertThat(message.model().asString()).isEqualTo("gemini-2.5-flash");
    assertThat(h.fake.requests().get(0).path()).endsWith("/models/gemini-2.5-flash:generateContent");
  }

  @Test
  void streamedMessageGivesTheSdkAWholeMessage() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.sse(List.of(Replies.chunk("Hello"), Replies.chunk(", wor"), Replies.finalChunk("ld")), 5));
    MessageAccumulator accumulator = MessageAccumulator.create();
    List<String> types;
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
        MessageCreateParams.builder().model("claude-haiku-4-5").maxTokens(100).addUserMessage("hi").build())) {
      types = stream.stream().peek(accumulator::accumulate).map(AnthropicSdkTest::kind).toList();
    }
    Message message = accumulator.message();
    assertThat(message.content()).hasSize(1);
    assertThat(message.content().get(0).asText().text()).isEqualTo("Hello, world");
    assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
    assertThat(message.usage().inputTokens()).isEqualTo(3);
    assertThat(message.usage().outputTokens()).isEqualTo(3);
    assertThat(types).containsExactly("message_start", "content_block_start", "content_block_delta",
        "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
    assertThat(h.fake.requests().get(0).path()).endsWith("/models/gemini-2.5-flash:streamGenerateContent");
    assertThat(h.fake.requests().get(0).query()).isEqualTo("alt=sse");
  }

  private static String kind(RawMessageStreamEvent e) {
    if (e.isMessageStart()) {
      return "message_start";
    } else if (e.isContentBlockStart()) {
      return "content_block_start";
    } else if (e.isContentBlockDelta()) {
      return "content_block_delta";
    } else if (e.isContentBlockStop()) {
      return "content_block_stop";
    } else if (e.isMessageDelta()) {
      return "message_delta";
    }
    return e.isMessageStop() ? "message_stop" : "other";
  }

  static final String TOOL_CALL = """
      {"candidates":[{"content":{"role":"model","parts":[
        {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnLW9uZQ=="}]},
        "finishReason":"STOP","index":0}],
       "usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":4,"totalTokenCount":24}}""";

  @Test
  void aToolRoundTripCarriesTheThoughtSignatureBackToGemini() {
    h.fake.on(r -> r.pathEndsWith(":generateContent") && !r.bodyText().contains("functionResponse"),
        Replies.json(200, TOOL_CALL));
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, ANSWER));
    Tool weather = Tool.builder().name("get_weather").description("Weather for a city")
        .inputSchema(Tool.InputSchema.builder()
            .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .addRequired("city").build())
        .build();
    MessageCreateParams.Builder params = MessageCreateParams.builder().model("claude-opus-4-1").maxTokens(512)
        .addTool(weather).addUserMessage("Weather in Paris?");
    Message first = client.messages().create(params.build());
    assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
    ToolUseBlock use = first.content().get(0).asToolUse();
    assertThat(use.name()).isEqualTo("get_weather");
    assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
    assertThat(use.id()).startsWith("toolu_").matches("[A-Za-z0-9_-]+");

    Message second = client.messages().create(params.addMessage(first)
        .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
            ToolResultBlockParam.builder().toolUseId(use.id()).content("18 degrees, sunny").build())))
        .build());
    assertThat(second.content().get(0).asText().text()).isEqualTo("The answer is 42.");

    JsonNode firstUp = OpenAiSdkSupport.body(h.fake.requests().get(0));
    assertThat(firstUp.path("tools")).isEqualTo(OpenAiSdkSupport.tree("""
        [{"functionDeclarations":[{"name":"get_weather","description":"Weather for a city",
          "parametersJsonSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}]"""));
    JsonNode secondUp = OpenAiSdkSupport.body(h.fake.requests().get(1));
    assertThat(secondUp.path("contents")).isEqualTo(OpenAiSdkSupport.tree("""
        [{"role":"user","parts":[{"text":"Weather in Paris?"}]},
         {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},
           "thoughtSignature":"c2lnLW9uZQ=="}]},
         {"role":"user","parts":[{"functionResponse":{"name":"get_weather",
           "response":{"content":"18 degrees, sunny"}}}]}]"""));
  }

  static final String THINKING_ANSWER = """
      {"candidates":[{"content":{"role":"model","parts":[
        {"text":"Six sevens... ","thought":true},{"text":"forty-two.","thought":true,"thoughtSignature":"dGhvdWdodA=="},
        {"text":"42"}]},"finishReason":"STOP","index":0}],
       "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":1,"thoughtsTokenCount":30,"totalTokenCount":40}}""";

  @Test
  void thinkingComesBackAsAThinkingBlockWithItsSignatureAndGoesBackAsAThought() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, THINKING_ANSWER));
    MessageCreateParams.Builder params = MessageCreateParams.builder().model("gemini-2.5-flash").maxTokens(4096)
        .enabledThinking(2048).addUserMessage("6*7?");
    Message message = client.messages().create(params.build());
    message.validate();
    assertThat(message.content()).hasSize(2);
    ContentBlock thinking = message.content().get(0);
    assertThat(thinking.asThinking().thinking()).isEqualTo("Six sevens... forty-two.");
    assertThat(thinking.asThinking().signature()).isEqualTo("dGhvdWdodA==");
    assertThat(message.content().get(1).asText().text()).isEqualTo("42");
    assertThat(message.usage().outputTokens()).isEqualTo(31);
    assertThat(OpenAiSdkSupport.body(h.fake.requests().get(0)).path("generationConfig").path("thinkingConfig"))
        .isEqualTo(OpenAiSdkSupport.tree("{\"thinkingBudget\":2048,\"includeThoughts\":true}"));

    client.messages().create(params.addMessage(message).addUserMessage("Sure?").build());
    assertThat(OpenAiSdkSupport.body(h.fake.requests().get(1)).path("contents").path(1)).isEqualTo(
        OpenAiSdkSupport.tree("""
            {"role":"model","parts":[{"text":"Six sevens... forty-two.","thought":true,
              "thoughtSignature":"dGhvdWdodA=="},{"text":"42"}]}"""));
  }

  @Test
  void streamedThinkingArrivesWithItsSignature() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hmm\",\"thought\":true}],\"role\":\"model\"}}]}",
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\".\",\"thought\":true,\"thoughtSignature\":\"c2ln\"}],"
            + "\"role\":\"model\"}}]}",
        Replies.finalChunk("42")), 5));
    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(MessageCreateParams
        .builder().model("gemini-2.5-flash").maxTokens(4096).enabledThinking(1024).addUserMessage("?").build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    Message message = accumulator.message();
    assertThat(message.content().get(0).asThinking().thinking()).isEqualTo("Hmm.");
    assertThat(message.content().get(0).asThinking().signature()).isEqualTo("c2ln");
    assertThat(message.content().get(1).asText().text()).isEqualTo("42");
  }

  @Test
  void countTokensAsksGeminiWithTheWholeTranslatedRequest() {
    h.fake.on(r -> r.pathEndsWith(":countTokens"), Replies.json(200, "{\"totalTokens\":42}"));
    long count = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-3-5-haiku-latest")
        .system("Be brief.").addUserMessage("Count me").build()).inputTokens();
    assertThat(count).isEqualTo(42);
    assertThat(h.fake.requests().get(0).path()).endsWith("/models/gemini-2.5-flash:countTokens");
    assertThat(OpenAiSdkSupport.onlyUpstream(h, ":countTokens")).isEqualTo(OpenAiSdkSupport.tree("""
        {"generateContentRequest":{"model":"models/gemini-2.5-flash",
          "contents":[{"role":"user","parts":[{"text":"Count me"}]}],
          "systemInstruction":{"parts":[{"text":"Be brief."}]}}}"""));
  }
}
