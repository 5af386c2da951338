package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.responses.ResponsesContext;
import io.geminibalance.protocol.openai.responses.ResponsesRequestTranslator;
import io.geminibalance.protocol.openai.responses.ResponsesStreamTranslator;
import io.geminibalance.protocol.openai.responses.TranslatedResponsesRequest;
import io.geminibalance.protocol.sse.SseDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Whole-body fixtures of the Responses API translation ({@code fixtures/openai/responses}):
 * requests to Gemini bodies (with the media URLs to fetch), Gemini answers to Response objects,
 * and Gemini SSE streams to the Responses event sequence, the streams also in random byte splits.
 */
class ResponsesFixtureTest {

  private static final String DIR = "fixtures/openai/responses/";
  private static final int SPLIT_ITERATIONS = 100;

  @TestFactory
  Stream<DynamicTest> requests() {
    return Fixtures.list(DIR + "request", ".json").stream()
        .map(path -> DynamicTest.dynamicTest(name(path), () -> {
          JsonNode spec = Fixtures.read(path);
          assertThat(Fixtures.json(translate(spec).toString())).isEqualTo(spec.get("expected"));
        }));
  }

  @TestFactory
  Stream<DynamicTest> answers() {
    return Fixtures.list(DIR + "response", ".json").stream()
        .map(path -> DynamicTest.dynamicTest(name(path), () -> {
          JsonNode spec = Fixtures.read(path);
          TranslatedResponsesRequest request = request(spec);
          ObjectNode response = ResponsesStreamTranslator.toResponse(spec.get("gemini"), options(spec),
              context(request));
          // Through text, as a client reads it: numbers compare by value, not by node type.
          assertThat(Fixtures.json(response.toString())).isEqualTo(spec.get("expected"));
        }));
  }

  @TestFactory
  Stream<DynamicTest> streams() {
    return Fixtures.list(DIR + "stream", ".json").stream()
        .map(path -> DynamicTest.dynamicTest(name(path), () -> {
          JsonNode spec = Fixtures.read(path);
          byte[] sse = Fixtures.bytes(DIR + "stream/" + name(path).replace(".json", ".sse"));
          JsonNode expected = spec.get("expected");
          assertThat(stream(spec, List.of(sse))).as("unsplit").isEqualTo(expected);
          Random random = new Random(name(path).hashCode());
          for (int i = 0; i < SPLIT_ITERATIONS; i++) {
            assertThat(stream(spec, ChatStreamFixtureTest.randomSplit(sse, random))).as("split #%d", i)
                .isEqualTo(expected);
          }
        }));
  }

  private static String name(Path path) {
    return path.getFileName().toString();
  }

  private static TranslationOptions options(JsonNode spec) {
    return Fixtures.options(spec.get("options"));
  }

  private static TranslatedResponsesRequest request(JsonNode spec) {
    ArrayNode history = spec.has("history") ? (ArrayNode) spec.get("history") : Fixtures.MAPPER.createArrayNode();
    return new ResponsesRequestTranslator(options(spec), null).translate(spec.get("request"), history, 0);
  }

  /** The Gemini body, the URLs to fetch and the echoed fields, as one tree. */
  private static JsonNode translate(JsonNode spec) {
    TranslatedResponsesRequest translated = request(spec);
    ObjectNode out = Fixtures.MAPPER.createObjectNode();
    out.set("body", translated.body());
    out.set("mediaUrls", Fixtures.MAPPER.valueToTree(translated.mediaUrls()));
    out.put("stream", translated.stream());
    out.put("store", translated.store());
    out.set("echo", translated.echo());
    return out;
  }

  /** Deterministic ids: 0001, 0002, ... */
  private static ResponsesContext context(TranslatedResponsesRequest request) {
    AtomicLong next = new AtomicLong();
    return new ResponsesContext("resp_test", 1_700_000_000L, request.echo(),
        () -> "%04d".formatted(next.incrementAndGet()), null, 0);
  }

  private static JsonNode stream(JsonNode spec, List<byte[]> pieces) {
    ResponsesStreamTranslator translator = new ResponsesStreamTranslator(options(spec), context(request(spec)));
    SseDecoder decoder = new SseDecoder();
    List<ObjectNode> events = new ArrayList<>();
    for (byte[] piece : pieces) {
      decoder.feed(piece).forEach(data -> events.addAll(translator.onEvent(Fixtures.json(data))));
    }
    decoder.finish().forEach(data -> events.addAll(translator.onEvent(Fixtures.json(data))));
    events.addAll(translator.onEnd());
    return Fixtures.json(events.toString());
  }
}
