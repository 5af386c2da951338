package io.geminibalance.sdk;

import static io.geminibalance.sdk.OpenAiSdkSupport.MODEL;
import static io.geminibalance.sdk.OpenAiSdkSupport.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Responses API through the official OpenAI Java SDK against the gateway and FakeGemini. */
class OpenAiResponsesSdkTest {
  static final String SIGNATURE = "c2lnbmF0dXJlLW9mLWEtdGhvdWdodA==";
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

  private static String text(Response response) {
    StringBuilder text = new StringBuilder();
    for (ResponseOutputItem item : response.output()) {
      if (item.isMessage()) {
        item.asMessage().content().forEach(c -> text.append(c.asOutputText().text()));
      }
    }
    return text.toString();
  }

  @Test
  void createPlainThenRetrieveAndDelete() {
    Response response = client.responses().create(ResponseCreateParams.builder().model(MODEL).input("Hi")
        .instructions("Be brief").build());
    response.validate(); // every field the SDK requires is there, with the right type
    assertThat(response.id()).startsWith("resp_");
    assertThat(response.status()).contains(ResponseStatus.COMPLETED);
    assertThat(text(response)).isEqualTo("Hello from fake");
    assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(3);
    assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(4);

    Response read = client.responses().retrieve(response.id());
    read.validate();
    assertThat(read.id()).isEqualTo(response.id());
    assertThat(text(read)).isEqualTo("Hello from fake");

    client.responses().delete(response.id());
    assertThatThrownBy(() -> client.responses().retrieve(response.id())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void createStreamedAccumulatesToTheWholeResponse() {
    ResponseAccumulator accumulator = ResponseAccumulator.create();
    List<ResponseStreamEvent> events = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
        ResponseCreateParams.builder().model(MODEL).input("Hi").build())) {
      stream.stream().forEach(event -> {
        accumulator.accumulate(event);
        events.add(event);
      });
    }
    assertThat(events.getFirst().isCreated()).isTrue();
    assertThat(events.get(1).isInProgress()).isTrue();
    assertThat(events.getLast().isCompleted()).isTrue();
    assertThat(events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
        .map(e -> e.asOutputTextDelta().delta()).toList()).containsExactly("Hello", " from", " fake");
    Response response = accumulator.response();
    response.validate();
    assertThat(response.status()).contains(ResponseStatus.COMPLETED);
    assertThat(text(response)).isEqualTo("Hello from fake");
    assertThat(h.fake.requests(":streamGenerateContent")).hasSize(1);
  }

  @Test
  void functionCallRoundTripKeepsTheThoughtSignature() {
    h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200, """
        {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather",
        "args":{"city":"Paris"}},"thoughtSignature":"%s"}]},"finishReason":"STOP","index":0}]}"""
        .formatted(SIGNATURE)), 1);
    FunctionTool tool = FunctionTool.builder().name("get_weather").description("Weather of a city")
        .parameters(FunctionTool.Parameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .build())
        .strict(false).build();
    Response first = client.responses().create(ResponseCreateParams.builder().model(MODEL)
        .input("Weather in Paris?").addTool(tool).build());
    first.validate();
    ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall)
        .findFirst().orElseThrow().asFunctionCall();
    assertThat(call.name()).isEqualTo("get_weather");
    assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
    ResponseOutputItem reasoning = first.output().stream().filter(ResponseOutputItem::isReasoning)
        .findFirst().orElseThrow();
    assertThat(reasoning.asReasoning().encryptedContent()).contains(SIGNATURE);

    List<ResponseInputItem> input = List.of(
        ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
            .content("Weather in Paris?").build()),
        ResponseInputItem.ofReasoning(reasoning.asReasoning()),
        ResponseInputItem.ofFunctionCall(call),
        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
            .callId(call.callId()).output("{\"temp\":21}").build()));
    Response second = client.responses().create(ResponseCreateParams.builder().model(MODEL)
        .inputOfResponse(input).addTool(tool).store(false).build());
    assertThat(text(second)).isEqualTo("Hello from fake");
    JsonNode contents = body(h.fake.requests(":generateContent").get(1)).get("contents");
    assertThat(contents.get(1).path("parts").get(0).path("thoughtSignature").asText()).isEqualTo(SIGNATURE);
    assertThat(contents.get(2).path("parts").get(0).path("functionResponse").path("name").asText())
        .isEqualTo("get_weather");
  }

  @Test
  void aBlockedPromptIsAnIncompleteResponseWithTheReasonAsARefusal() {
    h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200,
        "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":2}}"), 1);
    Response response = client.responses().create(ResponseCreateParams.builder().model(MODEL).input("bad").build());
    response.validate();
    assertThat(response.status()).contains(ResponseStatus.INCOMPLETE);
    assertThat(response.incompleteDetails().orElseThrow().reason())
        .contains(Response.IncompleteDetails.Reason.CONTENT_FILTER);
    assertThat(response.output().getFirst().asMessage().content().getFirst().asRefusal().refusal())
        .contains("SAFETY");
  }

  @Test
  void previousResponseIdContinuesTheConversation() {
    Response first = client.responses().create(ResponseCreateParams.builder().model(MODEL)
        .input("My name is Ann").build());
    Response second = client.responses().create(ResponseCreateParams.builder().model(MODEL)
        .input("Who am I?").previousResponseId(first.id()).build());
    second.validate();
    assertThat(second.previousResponseId()).contains(first.id());
    JsonNode contents = body(h.fake.requests(":generateContent").get(1)).get("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.get(0).path("parts").get(0).path("text").asText()).isEqualTo("My name is Ann");
    assertThat(contents.get(2).path("parts").get(0).path("text").asText()).isEqualTo("Who am I?");

    // The second response's input items: the whole conversation before its answer, newest first.
    List<ResponseItem> items = client.responses().inputItems().list(second.id()).data();
    assertThat(items).hasSize(3);
    items.forEach(ResponseItem::validate);
    assertThat(items.getFirst().asResponseInputMessageItem().content().getFirst().asInputText().text())
        .isEqualTo("Who am I?");
    assertThat(items.get(1).asResponseOutputMessage().content().getFirst().asOutputText().text())
        .isEqualTo("Hello from fake");
    assertThat(items.getLast().asResponseInputMessageItem().content().getFirst().asInputText().text())
        .isEqualTo("My name is Ann");

    assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model(MODEL)
        .input("x").previousResponseId("resp_doesnotexist").build())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model(MODEL)
        .input("x").background(true).build())).isInstanceOf(BadRequestException.class)
        .hasMessageContaining("background");
  }
}
