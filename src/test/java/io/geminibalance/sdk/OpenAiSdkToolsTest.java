package io.geminibalance.sdk;

import static io.geminibalance.sdk.OpenAiSdkSupport.MODEL;
import static io.geminibalance.sdk.OpenAiSdkSupport.body;
import static io.geminibalance.sdk.OpenAiSdkSupport.extra;
import static io.geminibalance.sdk.OpenAiSdkSupport.onlyUpstream;
import static io.geminibalance.sdk.OpenAiSdkSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Function calling through the OpenAI Java SDK, including thought signatures across turns. */
class OpenAiSdkToolsTest {
  static GatewayHarness h;
  static OpenAIClient client;

  static final String SIGNATURE = "c2lnbmF0dXJlLW9mLWEtdGhvdWdodA==";

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

  static ChatCompletionTool weatherTool() {
    return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
        .name("get_weather").description("Weather for a city")
        .parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("city")))
            .build())
        .strict(true)
        .build()).build());
  }

  static ChatCompletionTool timeTool() {
    return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
        .name("get_time").build()).build());
  }

  static String callAnswer(String signature) {
    return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_weather\","
        + "\"args\":{\"city\":\"Paris\"}}" + (signature == null ? "" : ",\"thoughtSignature\":\"" + signature + "\"")
        + "}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,"
        + "\"candidatesTokenCount\":5,\"totalTokenCount\":14}}";
  }

  private ChatCompletion askForWeather() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, callAnswer(SIGNATURE)), 1);
    return client.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
        .addUserMessage("Weather in Paris?").addTool(weatherTool()).build());
  }

  private static ChatCompletionCreateParams.Builder followUp(ChatCompletionAssistantMessageParam assistant,
      String toolCallId) {
    return ChatCompletionCreateParams.builder().model(MODEL)
        .addUserMessage("Weather in Paris?")
        .addMessage(assistant)
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(toolCallId)
            .content("{\"temperature\":21,\"unit\":\"C\"}").build())
        .addTool(weatherTool());
  }

  @Test
  void toolCallRoundTripCarriesTheThoughtSignatureBack() {
    ChatCompletion first = askForWeather();
    ChatCompletion.Choice choice = first.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessage message = choice.message();
    assertThat(message.toolCalls().orElseThrow()).hasSize(1);
    ChatCompletionMessageFunctionToolCall call = message.toolCalls().get().get(0).asFunction();
    assertThat(call.id()).matches("call_[0-9a-f]{24}");
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(tree(call.function().arguments())).isEqualTo(tree("{\"city\":\"Paris\"}"));
    JsonNode extraContent = extra(call._additionalProperties(), "extra_content");
    assertThat(extraContent).isNotNull();
    assertThat(extraContent.at("/google/thought_signature").asText()).isEqualTo(SIGNATURE);

    JsonNode upstreamFirst = onlyUpstream(h, ":generateContent");
    JsonNode declaration = upstreamFirst.at("/tools/0/functionDeclarations/0");
    assertThat(declaration.path("name").asText()).isEqualTo("get_weather");
    assertThat(declaration.path("description").asText()).isEqualTo("Weather for a city");
    assertThat(declaration.at("/parametersJsonSchema/properties/city/type").asText()).isEqualTo("string");
    assertThat(declaration.has("strict")).isFalse();

    h.fake.reset();
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, Replies.TEXT_RESPONSE));
    ChatCompletion second = client.chat().completions().create(followUp(message.toParam(), call.id()).build());
    assertThat(second.choices().get(0).message().content()).hasValue("Hello from fake");
    assertFollowUpUpstream(onlyUpstream(h, ":generateContent"), SIGNATURE);
  }

  @Test
  void signatureIsRestoredFromTheGatewayCacheWhenTheClientDropsExtraContent() {
    ChatCompletion first = askForWeather();
    ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0)
        .asFunction();
    ChatCompletionAssistantMessageParam rebuilt = ChatCompletionAssistantMessageParam.builder()
        .addToolCall(ChatCompletionMessageToolCall.ofFunction(ChatCompletionMessageFunctionToolCall.builder()
            .id(call.id())
            .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                .name("get_weather").arguments("{\"city\":\"Paris\"}").build())
            .build()))
        .build();
    h.fake.reset();
    client.chat().completions().create(followUp(rebuilt, call.id()).build());
    Recorded sent = h.fake.requests(":generateContent").get(0);
    assertThat(sent.bodyText()).doesNotContain("extra_content");
    assertFollowUpUpstream(body(sent), SIGNATURE);
  }

  @Test
  void streamedToolCallIsAccumulatedAndItsSignatureRoundTrips() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(
        Replies.chunk("Let me check. "),
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_weather\","
            + "\"args\":{\"city\":\"Paris\"}},\"thoughtSignature\":\"" + SIGNATURE + "\"}]},\"finishReason\":\"STOP\","
            + "\"index\":0}]}"), 5), 1);
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Weather in Paris?").addTool(weatherTool())
            .build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    ChatCompletion.Choice choice = accumulator.chatCompletion().choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(choice.message().content()).hasValue("Let me check. ");
    ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(tree(call.function().arguments())).isEqualTo(tree("{\"city\":\"Paris\"}"));

    h.fake.reset();
    client.chat().completions().create(followUp(choice.message().toParam(), call.id()).build());
    JsonNode upstream = onlyUpstream(h, ":generateContent");
    JsonNode model = upstream.at("/contents/1");
    assertThat(model.path("role").asText()).isEqualTo("model");
    assertThat(model.at("/parts/0/text").asText()).isEqualTo("Let me check. ");
    assertThat(model.at("/parts/1/functionCall/name").asText()).isEqualTo("get_weather");
    assertThat(model.at("/parts/1/thoughtSignature").asText()).isEqualTo(SIGNATURE);
    assertThat(upstream.at("/contents/2/parts/0/functionResponse/name").asText()).isEqualTo("get_weather");
  }

  @Test
  void parallelToolResultsGoBackInOneContentInCallOrder() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, """
        {"candidates":[{"content":{"role":"model","parts":[
          {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"%s"},
          {"functionCall":{"name":"get_time","args":{}}}]},"finishReason":"STOP","index":0}]}"""
        .formatted(SIGNATURE)), 1);
    ChatCompletionMessage message = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("Weather and time?").addTool(weatherTool()).addTool(timeTool()).build())
        .choices().get(0).message();
    List<ChatCompletionMessageToolCall> calls = message.toolCalls().orElseThrow();
    assertThat(calls).hasSize(2);
    String weatherId = calls.get(0).asFunction().id();
    String timeId = calls.get(1).asFunction().id();
    assertThat(weatherId).isNotEqualTo(timeId);
    assertThat(tree(calls.get(1).asFunction().function().arguments())).isEqualTo(tree("{}"));

    h.fake.reset();
    client.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
        .addUserMessage("Weather and time?")
        .addMessage(message.toParam())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(timeId).content("noon").build())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(weatherId).content("{\"t\":21}").build())
        .addTool(weatherTool()).addTool(timeTool()).build());
    JsonNode contents = onlyUpstream(h, ":generateContent").path("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.at("/1/parts/0/thoughtSignature").asText()).isEqualTo(SIGNATURE);
    assertThat(contents.at("/1/parts/1/thoughtSignature").isMissingNode()).isTrue();
    JsonNode results = contents.get(2).path("parts");
    assertThat(contents.get(2).path("role").asText()).isEqualTo("user");
    assertThat(results).hasSize(2);
    assertThat(results.at("/0/functionResponse/name").asText()).isEqualTo("get_weather");
    assertThat(results.at("/0/functionResponse/response/t").asInt()).isEqualTo(21);
    assertThat(results.at("/1/functionResponse/name").asText()).isEqualTo("get_time");
    assertThat(results.at("/1/functionResponse/response/content").asText()).isEqualTo("noon");
  }

  private static void assertFollowUpUpstream(JsonNode upstream, String signature) {
    JsonNode contents = upstream.path("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.at("/0/role").asText()).isEqualTo("user");
    JsonNode model = contents.get(1);
    assertThat(model.path("role").asText()).isEqualTo("model");
    JsonNode callPart = model.at("/parts/0");
    assertThat(callPart.at("/functionCall/name").asText()).isEqualTo("get_weather");
    assertThat(callPart.at("/functionCall/args")).isEqualTo(tree("{\"city\":\"Paris\"}"));
    assertThat(callPart.path("thoughtSignature").asText()).isEqualTo(signature);
    assertThat(callPart.at("/functionCall/id").isMissingNode()).isTrue();
    JsonNode tool = contents.get(2);
    assertThat(tool.path("role").asText()).isEqualTo("user");
    assertThat(tool.at("/parts/0/functionResponse/name").asText()).isEqualTo("get_weather");
    assertThat(tool.at("/parts/0/functionResponse/response")).isEqualTo(tree("{\"temperature\":21,\"unit\":\"C\"}"));
    assertThat(upstream.toString()).doesNotContain("call_");
  }

  @Test
  void toolChoiceMapsToFunctionCallingConfig() {
    JsonNode required = toolConfigFor(ChatCompletionCreateParams.builder()
        .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED));
    assertThat(required.at("/functionCallingConfig/mode").asText()).isEqualTo("ANY");
    assertThat(required.at("/functionCallingConfig/allowedFunctionNames").isMissingNode()).isTrue();

    JsonNode named = toolConfigFor(ChatCompletionCreateParams.builder()
        .toolChoice(ChatCompletionNamedToolChoice.builder()
            .function(ChatCompletionNamedToolChoice.Function.builder().name("get_time").build()).build()));
    assertThat(named.at("/functionCallingConfig/mode").asText()).isEqualTo("ANY");
    assertThat(named.at("/functionCallingConfig/allowedFunctionNames")).hasSize(1);
    assertThat(named.at("/functionCallingConfig/allowedFunctionNames/0").asText()).isEqualTo("get_time");

    JsonNode none = toolConfigFor(ChatCompletionCreateParams.builder()
        .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE));
    assertThat(none.at("/functionCallingConfig/mode").asText()).isEqualTo("NONE");
  }

  private JsonNode toolConfigFor(ChatCompletionCreateParams.Builder builder) {
    h.fake.reset();
    ChatCompletion completion = client.chat().completions().create(builder.model(MODEL).addUserMessage("hi")
        .addTool(weatherTool()).addTool(timeTool()).build());
    assertThat(completion.choices().get(0).message().content()).hasValue("Hello from fake");
    JsonNode upstream = onlyUpstream(h, ":generateContent");
    assertThat(upstream.at("/tools/0/functionDeclarations")).hasSize(2);
    return upstream.path("toolConfig");
  }
}
