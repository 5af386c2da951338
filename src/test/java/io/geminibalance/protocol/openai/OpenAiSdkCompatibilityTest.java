package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks against the official {@code openai-java} SDK: our completions and chunks pass its
 * strict {@code validate()}, and the bodies it sends translate as expected, including a
 * tool-call round trip where the client appends the SDK's parsed message to its history.
 */
class OpenAiSdkCompatibilityTest {

  private static final String SIGNED_CALL = "{\"candidates\":[{\"index\":0,\"finishReason\":\"STOP\",\"content\":{\"parts\":["
      + "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}},\"thoughtSignature\":\"SIG_RT\"}]}}]}";

  @TestFactory
  Stream<DynamicTest> everyCompletionFixtureValidatesInTheSdk() {
    return Fixtures.list("fixtures/openai/response", ".json").stream().map(file -> DynamicTest.dynamicTest(
        file.getFileName().toString(), () -> {
          String json = Fixtures.read(file).get("expected").toString();
          ChatCompletion completion = ObjectMappers.jsonMapper().readValue(json, ChatCompletion.class).validate();
          assertThat(completion.choices()).isNotEmpty();
        }));
  }

  @TestFactory
  Stream<DynamicTest> everyStreamChunkValidatesInTheSdk() {
    return Fixtures.list("fixtures/openai/stream", ".json").stream().map(file -> DynamicTest.dynamicTest(
        file.getFileName().toString(), () -> {
          for (JsonNode chunk : Fixtures.read(file).get("expected")) {
            ChatCompletionChunk parsed = ObjectMappers.jsonMapper().readValue(chunk.toString(), ChatCompletionChunk.class);
            assertThat(parsed.validate().id()).isEqualTo(TestContexts.ID);
          }
        }));
  }

  @Test
  void anSdkBuiltRequestTranslates() throws Exception {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
        .model("gemini-2.5-flash")
        .addSystemMessage("Be brief.")
        .addUserMessage("Weather in Paris?")
        .addFunctionTool(weatherFunction())
        .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.REQUIRED))
        .reasoningEffort(ReasoningEffort.LOW)
        .stop("END")
        .maxCompletionTokens(100)
        .n(2)
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build();

    TranslatedChatRequest translated = new ChatRequestTranslator(Fixtures.options(null), null)
        .translate(sdkBody(params), 0);

    assertThat(translated.body()).isEqualTo(Fixtures.json("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Paris?\"}]}],"
        + "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
        + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"parametersJsonSchema\":{\"type\":\"object\"}}]}],"
        + "\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\"}},"
        + "\"generationConfig\":{\"maxOutputTokens\":100,\"candidateCount\":2,\"stopSequences\":[\"END\"],"
        + "\"thinkingConfig\":{\"thinkingBudget\":1024}}}"));
    assertThat(translated.stream()).isFalse();
    assertThat(translated.includeUsage()).isFalse();
  }

  @Test
  void theSdksParsedAssistantMessageCarriesTheThoughtSignatureBack() throws Exception {
    JsonNode ours = new ChatResponseTranslator(Fixtures.options(null))
        .toCompletion(Fixtures.json(SIGNED_CALL), TestContexts.context("gemini-3-pro-preview", null));
    ChatCompletionMessage message = ObjectMappers.jsonMapper().readValue(ours.toString(), ChatCompletion.class)
        .choices().get(0).message();
    String callId = message.toolCalls().orElseThrow().get(0).asFunction().id();

    ChatCompletionCreateParams followUp = ChatCompletionCreateParams.builder()
        .model("gemini-3-pro-preview")
        .addUserMessage("Weather in Paris?")
        .addMessage(message)
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId).content("sunny").build())
        .addFunctionTool(weatherFunction())
        .build();
    JsonNode body = new ChatRequestTranslator(Fixtures.options(null), null).translate(sdkBody(followUp), 0).body();

    assertThat(body.at("/contents/1/parts/0")).isEqualTo(Fixtures.json(
        "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}},\"thoughtSignature\":\"SIG_RT\"}"));
    assertThat(body.at("/contents/2/parts/0")).isEqualTo(Fixtures.json(
        "{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"content\":\"sunny\"}}}"));
  }

  private static FunctionDefinition weatherFunction() {
    return FunctionDefinition.builder().name("get_weather")
        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
        .build();
  }

  private static JsonNode sdkBody(ChatCompletionCreateParams params) throws Exception {
    return Fixtures.json(ObjectMappers.jsonMapper().writeValueAsString(params._body()));
  }
}
