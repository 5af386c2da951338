package io.geminibalance.sdk;

import static io.geminibalance.sdk.OpenAiSdkSupport.MODEL;
import static io.geminibalance.sdk.OpenAiSdkSupport.extra;
import static io.geminibalance.sdk.OpenAiSdkSupport.onlyUpstream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.ReasoningEffort;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chat completions through the official OpenAI Java SDK: what the client sees and what went upstream. */
class OpenAiSdkChatTest {
  static GatewayHarness h;
  static OpenAIClient client;

  @BeforeAll
  static void start() {
    h = GatewayHarness.start();
    client = OpenAiSdkSupport.client(h);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @BeforeEach
  void reset() {
    h.fake.reset();
  }

  static final String THINKING_ANSWER = """
      {"candidates":[{"content":{"role":"model","parts":[
        {"text":"Let me think about it.","thought":true},
        {"text":"The answer "},{"text":"is 42."}]},
        "finishReason":"STOP","index":0}],
       "usageMetadata":{"promptTokenCount":11,"candidatesTokenCount":5,"thoughtsTokenCount":7,
        "totalTokenCount":23,"cachedContentTokenCount":2},
       "modelVersion":"gemini-2.5-flash","responseId":"resp-1"}""";

  @Test
  void nonStreamingChatMapsContentFinishReasonUsageAndTheUpstreamRequest() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, THINKING_ANSWER));
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(MODEL)
        .addSystemMessage("Be brief.")
        .addUserMessage("What is six times seven?")
        .addAssistantMessage("Thinking...")
        .addDeveloperMessage("Answer with a number.")
        .addUserMessage("Well?")
        .temperature(0.3)
        .topP(0.9)
        .maxCompletionTokens(256L)
        .stopOfStrings(List.of("END", "STOP"))
        .seed(7L)
        .presencePenalty(0.5)
        .frequencyPenalty(0.25)
        .build());

    assertThat(completion.id()).startsWith("chatcmpl-");
    assertThat(completion.model()).isEqualTo(MODEL);
    assertThat(completion.choices()).hasSize(1);
    ChatCompletion.Choice choice = completion.choices().get(0);
    assertThat(choice.message().content()).hasValue("The answer is 42.");
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    CompletionUsage usage = completion.usage().orElseThrow();
    assertThat(usage.promptTokens()).isEqualTo(11);
    assertThat(usage.completionTokens()).isEqualTo(12);
    assertThat(usage.totalTokens()).isEqualTo(23);
    assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).hasValue(7L);
    assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue(2L);

    assertThat(h.fake.requests()).hasSize(1);
    assertThat(h.fake.requests().get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(h.fake.requests().get(0).key()).startsWith("key-");
    JsonNode upstream = onlyUpstream(h, ":generateContent");
    assertThat(upstream.path("systemInstruction").path("parts")).hasSize(2);
    assertThat(upstream.at("/systemInstruction/parts/0/text").asText()).isEqualTo("Be brief.");
    assertThat(upstream.at("/systemInstruction/parts/1/text").asText()).isEqualTo("Answer with a number.");
    JsonNode contents = upstream.path("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.get(0).path("role").asText()).isEqualTo("user");
    assertThat(contents.get(0).at("/parts/0/text").asText()).isEqualTo("What is six times seven?");
    assertThat(contents.get(1).path("role").asText()).isEqualTo("model");
    assertThat(contents.get(1).at("/parts/0/text").asText()).isEqualTo("Thinking...");
    assertThat(contents.get(2).path("role").asText()).isEqualTo("user");
    assertThat(contents.get(2).at("/parts/0/text").asText()).isEqualTo("Well?");
    assertThat(upstream.toString()).doesNotContain("\"system\"").doesNotContain("\"developer\"");
    JsonNode config = upstream.path("generationConfig");
    assertThat(config.path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(config.path("topP").asDouble()).isEqualTo(0.9);
    assertThat(config.path("maxOutputTokens").asInt()).isEqualTo(256);
    assertThat(config.path("stopSequences")).hasSize(2);
    assertThat(config.at("/stopSequences/0").asText()).isEqualTo("END");
    assertThat(config.path("seed").asInt()).isEqualTo(7);
    assertThat(config.path("presencePenalty").asDouble()).isEqualTo(0.5);
    assertThat(config.path("frequencyPenalty").asDouble()).isEqualTo(0.25);
    assertThat(config.has("candidateCount")).isFalse();
    JsonNode safety = upstream.path("safetySettings");
    assertThat(safety).hasSize(5);
    for (JsonNode setting : safety) {
      assertThat(setting.path("category").asText()).startsWith("HARM_CATEGORY_");
      assertThat(setting.path("threshold").asText()).isIn("OFF", "BLOCK_NONE");
    }
  }

  @Test
  void streamingWithTheAccumulatorKeepsOneIdAndEndsWithFinishReasonAndUsage() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hmm\",\"thought\":true}]},\"index\":0}]}",
        Replies.chunk("The "),
        Replies.chunk("answer "),
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"is 42.\"}]},\"finishReason\":\"STOP\","
            + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":6,"
            + "\"thoughtsTokenCount\":3,\"totalTokenCount\":13}}"), 5));
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("six times seven?")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(chunk -> {
        chunks.add(chunk);
        accumulator.accumulate(chunk);
      });
    }
    assertThat(chunks.size()).isGreaterThanOrEqualTo(4);
    assertThat(chunks.stream().map(ChatCompletionChunk::id).distinct().toList()).hasSize(1);
    assertThat(chunks.stream().map(ChatCompletionChunk::created).distinct().toList()).hasSize(1);
    assertThat(chunks.get(0).choices().get(0).delta().role()).isPresent();
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isPresent();
    assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    assertThat(chunks.stream().flatMap(c -> c.choices().stream())
        .filter(c -> c.finishReason().isPresent()).toList()).hasSize(1);

    ChatCompletion completion = accumulator.chatCompletion();
    assertThat(completion.id()).isEqualTo(chunks.get(0).id());
    assertThat(completion.choices().get(0).message().content()).hasValue("The answer is 42.");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    CompletionUsage usage = completion.usage().orElseThrow();
    assertThat(usage.promptTokens()).isEqualTo(4);
    assertThat(usage.completionTokens()).isEqualTo(9);
    assertThat(usage.totalTokens()).isEqualTo(13);
    assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).hasValue(3L);
    StringBuilder reasoning = new StringBuilder();
    chunks.stream().flatMap(c -> c.choices().stream()).forEach(c -> {
      JsonNode r = extra(c.delta()._additionalProperties(), "reasoning_content");
      if (r != null && r.isTextual()) {
        reasoning.append(r.asText());
      }
    });
    assertThat(reasoning.toString()).isEqualTo("Hmm");

    assertThat(h.fake.requests()).hasSize(1);
    assertThat(h.fake.requests().get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    assertThat(h.fake.requests().get(0).query()).isEqualTo("alt=sse");
  }

  @Test
  void streamingWithoutIncludeUsageSendsNoUsage() {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("hi").build())) {
      stream.stream().forEach(chunks::add);
    }
    assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    assertThat(chunks).allSatisfy(c -> assertThat(c.choices()).isNotEmpty());
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().get(0).delta().content().ifPresent(text::append));
    assertThat(text.toString()).isEqualTo("Hello from fake");
  }

  @Test
  void reasoningEffortBecomesThinkingConfigAndThoughtsComeBackAsReasoningContent() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, THINKING_ANSWER));
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("six times seven?").reasoningEffort(ReasoningEffort.LOW).build());
    assertThat(completion.choices().get(0).message().content()).hasValue("The answer is 42.");
    assertThat(completion.choices().get(0).message().content().orElseThrow()).doesNotContain("Let me think");
    JsonNode reasoning = extra(completion.choices().get(0).message()._additionalProperties(), "reasoning_content");
    assertThat(reasoning).isNotNull();
    assertThat(reasoning.asText()).isEqualTo("Let me think about it.");
    JsonNode thinking = onlyUpstream(h, ":generateContent").at("/generationConfig/thinkingConfig");
    assertThat(thinking.path("thinkingBudget").asInt()).isEqualTo(1024);
    assertThat(thinking.has("thinkingLevel")).isFalse();

    h.fake.reset();
    client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini-3-pro-preview").addUserMessage("x").reasoningEffort(ReasoningEffort.HIGH).build());
    JsonNode level = onlyUpstream(h, ":generateContent").at("/generationConfig/thinkingConfig");
    assertThat(level.path("thinkingLevel").asText()).isEqualTo("HIGH");
    assertThat(level.has("thinkingBudget")).isFalse();

    h.fake.reset();
    client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("x").reasoningEffort(ReasoningEffort.NONE).build());
    assertThat(onlyUpstream(h, ":generateContent").at("/generationConfig/thinkingConfig/thinkingBudget").asInt())
        .isZero();
  }

  @Test
  void nEqualsTwoAsksForTwoCandidatesAndReturnsTwoChoices() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, """
        {"candidates":[
          {"content":{"role":"model","parts":[{"text":"second"}]},"finishReason":"MAX_TOKENS","index":1},
          {"content":{"role":"model","parts":[{"text":"first"}]},"finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":2,"totalTokenCount":4}}"""));
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("two please").n(2L).build());
    assertThat(completion.choices()).hasSize(2);
    assertThat(completion.choices().get(0).index()).isZero();
    assertThat(completion.choices().get(0).message().content()).hasValue("first");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.choices().get(1).index()).isEqualTo(1);
    assertThat(completion.choices().get(1).message().content()).hasValue("second");
    assertThat(completion.choices().get(1).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(onlyUpstream(h, ":generateContent").at("/generationConfig/candidateCount").asInt()).isEqualTo(2);
  }

  @Test
  void finishReasonsAreMapped() {
    assertThat(finishOf("MAX_TOKENS", "{\"text\":\"cut\"}")).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(finishOf("SAFETY", "{\"text\":\"partial\"}"))
        .isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
    assertThat(finishOf("STOP", "{\"functionCall\":{\"name\":\"f\",\"args\":{}}}"))
        .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(finishOf("SOMETHING_NEW", "{\"text\":\"x\"}")).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
  }

  private ChatCompletion.Choice.FinishReason finishOf(String geminiReason, String part) {
    h.fake.reset();
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, "{\"candidates\":[{\"content\":{\"role\":"
        + "\"model\",\"parts\":[" + part + "]},\"finishReason\":\"" + geminiReason + "\",\"index\":0}]}"));
    return client.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
        .addUserMessage("x").build()).choices().get(0).finishReason();
  }

  static final String BLOCKED = "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},"
      + "\"usageMetadata\":{\"promptTokenCount\":5,\"totalTokenCount\":5}}";

  @Test
  void blockedPromptIsA200WithContentFilter() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, BLOCKED));
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("something bad").build());
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
    assertThat(completion.choices().get(0).message().content()).isEmpty();
  }

  @Test
  void blockedPromptInAStreamEndsWithContentFilter() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(BLOCKED), 0));
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("something bad").build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    ChatCompletion completion = accumulator.chatCompletion();
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
  }

  @Test
  void jsonSchemaResponseFormatBecomesResponseJsonSchema() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, "{\"candidates\":[{\"content\":{\"role\":"
        + "\"model\",\"parts\":[{\"text\":\"{\\\"answer\\\":42}\"}]},\"finishReason\":\"STOP\",\"index\":0}]}"));
    ResponseFormatJsonSchema.JsonSchema.Schema schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder()
        .putAdditionalProperty("type", JsonValue.from("object"))
        .putAdditionalProperty("properties", JsonValue.from(Map.of("answer", Map.of("type", "integer"))))
        .putAdditionalProperty("required", JsonValue.from(List.of("answer")))
        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
        .build();
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("answer?")
        .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
            .name("answer").schema(schema).strict(true).build()).build())
        .build());
    assertThat(completion.choices().get(0).message().content()).hasValue("{\"answer\":42}");
    JsonNode config = onlyUpstream(h, ":generateContent").path("generationConfig");
    assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
    JsonNode sent = config.path("responseJsonSchema");
    assertThat(sent.path("type").asText()).isEqualTo("object");
    assertThat(sent.at("/properties/answer/type").asText()).isEqualTo("integer");
    assertThat(sent.at("/required/0").asText()).isEqualTo("answer");
    assertThat(config.has("responseSchema")).isFalse();
  }

  @Test
  void dataUrlImageGoesUpstreamAsInlineData() {
    String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    client.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
        .addUserMessageOfArrayOfContentParts(List.of(
            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                    .url("data:image/png;base64," + png).build()).build())))
        .build());
    JsonNode parts = onlyUpstream(h, ":generateContent").at("/contents/0/parts");
    assertThat(parts).hasSize(2);
    assertThat(parts.get(0).path("text").asText()).isEqualTo("What is this?");
    assertThat(parts.get(1).at("/inlineData/mimeType").asText()).isEqualTo("image/png");
    assertThat(parts.get(1).at("/inlineData/data").asText()).isEqualTo(png);
  }

  @Test
  void loopbackImageUrlIsRefusedWithoutThePrivateFetchFlag() throws Exception {
    try (LocalImageServer images = LocalImageServer.start()) {
      com.openai.errors.BadRequestException e = org.assertj.core.api.Assertions.catchThrowableOfType(
          com.openai.errors.BadRequestException.class,
          () -> client.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
              .addUserMessageOfArrayOfContentParts(List.of(imagePart(images.url("/cat.png")))).build()));
      assertThat(e).isNotNull();
      assertThat(e.statusCode()).isEqualTo(400);
      assertThat(e.getMessage()).contains("private");
      assertThat(images.hits()).isZero();
    }
    assertThat(h.fake.requests()).isEmpty();
  }

  static ChatCompletionContentPart imagePart(String url) {
    return ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
        .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(url).build()).build());
  }
}
