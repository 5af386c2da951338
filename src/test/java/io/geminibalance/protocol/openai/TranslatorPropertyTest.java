package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.testing.JsonArbitraries;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Any body a client can send to the OpenAI surface ends as a translated request or as a
 * {@link TranslationException} naming a field that is really there (the edge answers 400 with it),
 * never as another exception. A translated body is also writable by the gateway's JSON writer.
 */
class TranslatorPropertyTest {

  private static final TranslationOptions OPTIONS = TranslationOptions.defaults();
  private static final ThoughtSignatureCache CACHE = new ThoughtSignatureCache(1 << 20, 60_000);
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

  static {
    CACHE.put("c2", new ThoughtSignatureCache.Entry("get_weather", "c2lnLWM=", "gem-2"), 0);
  }

  @Provide
  Arbitrary<JsonNode> chatRequests() {
    return OpenAiArbitraries.chatRequests();
  }

  @Provide
  Arbitrary<JsonNode> embeddingRequests() {
    return OpenAiArbitraries.embeddingRequests();
  }

  @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
  void chatRequestsTranslateOrNameTheirBadField(@ForAll("chatRequests") JsonNode generated) throws Exception {
    Optional<JsonNode> received = JsonArbitraries.overTheWire(generated);
    if (received.isEmpty()) {
      return; // the gateway's parser answers 400 invalid_json before any translator runs
    }
    JsonNode body = received.get();
    TranslatedChatRequest translated;
    try {
      translated = new ChatRequestTranslator(OPTIONS, CACHE).translate(body, 1_000);
    } catch (TranslationException e) {
      assertNamesAField(e, body);
      Statistics.label("outcome").collect(outcome(e));
      return;
    }
    Statistics.label("outcome").collect("translated");
    assertThat(translated.body().path("contents").isArray()).isTrue();
    assertThat(translated.body().path("contents").isEmpty()).isFalse();
    assertWritable(translated.body());
  }

  @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
  void embeddingRequestsTranslateOrNameTheirBadField(@ForAll("embeddingRequests") JsonNode generated)
      throws Exception {
    Optional<JsonNode> received = JsonArbitraries.overTheWire(generated);
    if (received.isEmpty()) {
      return;
    }
    JsonNode body = received.get();
    EmbeddingsTranslator.EmbeddingsRequest request;
    try {
      request = EmbeddingsTranslator.toGemini(body);
    } catch (TranslationException e) {
      assertNamesAField(e, body);
      Statistics.label("outcome").collect(outcome(e));
      return;
    }
    Statistics.label("outcome").collect("translated");
    assertThat(request.batches()).isNotEmpty();
    int inputs = 0;
    for (JsonNode batch : request.batches()) {
      int size = batch.path("requests").size();
      assertThat(size).isBetween(1, EmbeddingsTranslator.BATCH_SIZE);
      inputs += size;
      assertWritable(batch);
    }
    assertThat(inputs).isEqualTo(request.inputCount());
  }

  /**
   * The message is there, the parameter is null only for a body that is not an object, and
   * every {@code [i]} in it points at an element the request really has.
   */
  static void assertNamesAField(TranslationException e, JsonNode body) {
    assertThat(e.getMessage()).isNotBlank();
    if (e.param() == null) {
      assertThat(body.isObject()).as("only a non-object body has no field to name").isFalse();
      return;
    }
    assertThat(e.param()).isNotBlank();
    Matcher index = INDEX.matcher(e.param());
    while (index.find()) {
      String prefix = e.param().substring(0, index.end());
      assertThat(resolve(body, prefix)).as("%s names an element the request has", prefix).isNotNull();
    }
  }

  /** How deep a try got: which field stopped it, array positions left out. */
  static String outcome(TranslationException e) {
    return "400 " + (e.param() == null ? "(body)" : INDEX.matcher(e.param()).replaceAll("[]"));
  }

  /** The node at {@code a.b[2].c}, or null. */
  static JsonNode resolve(JsonNode root, String path) {
    JsonNode node = root;
    for (String segment : path.split("\\.")) {
      Matcher index = INDEX.matcher(segment);
      int bracket = segment.indexOf('[');
      String name = bracket < 0 ? segment : segment.substring(0, bracket);
      node = name.isEmpty() ? node : node.get(name);
      while (node != null && index.find()) {
        node = node.get(Integer.parseInt(index.group(1)));
      }
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /** What the relays do with a translated body: write it as UTF-8 JSON with Jackson's default limits. */
  static void assertWritable(JsonNode body) throws Exception {
    byte[] bytes = JsonArbitraries.GATEWAY_MAPPER.writeValueAsBytes(body);
    assertThat(bytes).isNotEmpty();
  }
}
