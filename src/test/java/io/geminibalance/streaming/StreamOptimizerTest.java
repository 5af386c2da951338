package io.geminibalance.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.GeminiTextSlicer;
import io.geminibalance.protocol.openai.ChatChunkTextSlicer;
import io.geminibalance.protocol.sse.TextSlicer;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The optimizer's plan (pure): how texts are cut, the pauses, what stays whole. */
class StreamOptimizerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  /** gemini-balance's defaults: 16 ms / 24 ms, short <= 10, long >= 50, 5 characters a piece. */
  static final StreamOptions.Optimizer DEFAULTS = new StreamOptions.Optimizer(true, 16_000, 24_000, 10, 50, 5);
  static final StreamOptimizer GEMINI = StreamOptimizer.of(DEFAULTS, GeminiTextSlicer.INSTANCE);
  static final StreamOptimizer OPENAI = StreamOptimizer.of(DEFAULTS, ChatChunkTextSlicer.INSTANCE);

  static Buffer event(String json) {
    return Buffer.buffer("data: " + json + "\r\n\r\n");
  }

  static JsonNode json(StreamOptimizer.Piece piece) throws Exception {
    String text = piece.bytes().toString();
    assertThat(text).startsWith("data: ").endsWith("\n\n");
    return JSON.readTree(text.substring(6).trim());
  }

  static String geminiText(String text, boolean last) {
    return "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + JSON.valueToTree(text) + "}],\"role\":\"model\"},"
        + (last ? "\"finishReason\":\"STOP\"," : "") + "\"index\":0}]"
        + (last ? ",\"usageMetadata\":{\"totalTokenCount\":9}" : "") + ",\"modelVersion\":\"m\"}";
  }

  @Test
  void offMeansNoOptimizer() {
    assertThat(StreamOptimizer.of(new StreamOptions.Optimizer(false, 1, 1, 1, 1, 1), GeminiTextSlicer.INSTANCE))
        .isNull();
  }

  @Test
  void longTextsGoInChunkSizePiecesShortOnesACharacterAtATime() {
    String longText = "abcdefghij".repeat(6);
    assertThat(GEMINI.slices(longText)).hasSize(12).allSatisfy(s -> assertThat(s).hasSize(5));
    assertThat(String.join("", GEMINI.slices(longText + "xy"))).isEqualTo(longText + "xy");
    assertThat(GEMINI.slices("hello")).containsExactly("h", "e", "l", "l", "o");
    // Characters outside the BMP are never cut in half.
    assertThat(GEMINI.slices("a😀b")).containsExactly("a", "😀", "b");
  }

  @Test
  void pausesFallFromMaxForShortTextsToMinForLongOnes() {
    assertThat(GEMINI.delayMillis(3)).isEqualTo(24);
    assertThat(GEMINI.delayMillis(10)).isEqualTo(24);
    assertThat(GEMINI.delayMillis(50)).isEqualTo(16);
    assertThat(GEMINI.delayMillis(500)).isEqualTo(16);
    long previous = 24;
    for (int length = 11; length < 50; length++) {
      long delay = GEMINI.delayMillis(length);
      assertThat(delay).isBetween(16L, 24L).isLessThanOrEqualTo(previous);
      previous = delay;
    }
  }

  @Test
  void aGeminiTextEventIsCutAndOnlyItsLastPieceEndsIt() throws Exception {
    String text = "The quick brown fox jumps over the lazy dog, twice!";
    List<StreamOptimizer.Piece> pieces = GEMINI.pieces(event(geminiText(text, true)));
    assertThat(pieces).hasSize(11);
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < pieces.size(); i++) {
      JsonNode piece = json(pieces.get(i));
      JsonNode candidate = piece.path("candidates").get(0);
      joined.append(candidate.path("content").path("parts").get(0).path("text").asText());
      assertThat(piece.path("modelVersion").asText()).isEqualTo("m");
      boolean last = i == pieces.size() - 1;
      assertThat(candidate.has("finishReason")).isEqualTo(last);
      assertThat(piece.has("usageMetadata")).isEqualTo(last);
      assertThat(pieces.get(i).delayMillis()).isEqualTo(i == 0 ? 0 : 16);
    }
    assertThat(joined.toString()).isEqualTo(text);
  }

  /**
   * Whatever describes the whole event besides its text (logprobs of every token, the prompt's
   * feedback, fields Google adds later) is sent once, with the last piece: repeated on every piece,
   * a client that adds up logprobs or reads the feedback per event would count it once per piece.
   */
  @Test
  void perEventDataOtherThanTheTextIsSentOnceNotOncePerPiece() throws Exception {
    String event = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello\"}],\"role\":\"model\"},"
        + "\"index\":0,\"avgLogprobs\":-0.5,\"logprobsResult\":{\"chosenCandidates\":[{\"token\":\"Hello\","
        + "\"logProbability\":-0.5}]},\"someFutureField\":{\"x\":1}}],"
        + "\"promptFeedback\":{\"safetyRatings\":[]},\"modelVersion\":\"m\",\"responseId\":\"r\"}";
    List<StreamOptimizer.Piece> pieces = GEMINI.pieces(event(event));
    assertThat(pieces).hasSize(5);
    int logprobs = 0;
    int averages = 0;
    int future = 0;
    int feedback = 0;
    for (int i = 0; i < pieces.size(); i++) {
      JsonNode piece = json(pieces.get(i));
      JsonNode candidate = piece.path("candidates").get(0);
      logprobs += candidate.has("logprobsResult") ? 1 : 0;
      averages += candidate.has("avgLogprobs") ? 1 : 0;
      future += candidate.has("someFutureField") ? 1 : 0;
      feedback += piece.has("promptFeedback") ? 1 : 0;
      assertThat(candidate.path("index").asInt()).isZero();
      assertThat(piece.path("modelVersion").asText()).isEqualTo("m");
      assertThat(piece.path("responseId").asText()).isEqualTo("r");
    }
    assertThat(logprobs).isEqualTo(1);
    assertThat(averages).isEqualTo(1);
    assertThat(future).isEqualTo(1);
    assertThat(feedback).isEqualTo(1);
    JsonNode last = json(pieces.getLast()).path("candidates").get(0);
    assertThat(last.path("logprobsResult").path("chosenCandidates")).hasSize(1);
  }

  /**
   * A long text (a fake stream's whole answer is one event) is cut as its pieces are taken, not all
   * at once: each piece is an event of its own, dozens of times the size of its 5 characters, and
   * the writer holds them for as long as the pauses last.
   */
  @Test
  void aLongTextsPiecesAreMadeAsTheyAreTaken() throws Exception {
    AtomicInteger made = new AtomicInteger();
    TextSlicer counting = new TextSlicer() {
      @Override
      public String text(ObjectNode event) {
        return GeminiTextSlicer.INSTANCE.text(event);
      }

      @Override
      public ObjectNode withText(ObjectNode event, String piece, int index, int count) {
        made.incrementAndGet();
        return GeminiTextSlicer.INSTANCE.withText(event, piece, index, count);
      }
    };
    String text = "0123456789".repeat(10_000);
    Iterator<StreamOptimizer.Piece> plan = StreamOptimizer.of(DEFAULTS, counting).plan(event(geminiText(text, true)));
    assertThat(made.get()).isZero();
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      joined.append(json(plan.next()).at("/candidates/0/content/parts/0/text").asText());
    }
    assertThat(made.get()).isEqualTo(3);
    assertThat(joined.toString()).isEqualTo("012345678901234");
    int rest = 0;
    while (plan.hasNext()) {
      plan.next();
      rest++;
    }
    assertThat(rest).isEqualTo(20_000 - 3);
    assertThatThrownBy(plan::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void toolCallsImagesSeveralPartsCommentsAndErrorsPassWhole() {
    List<String> whole = List.of(
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{}}}]}}]}\n\n",
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"ab\"},{\"text\":\"cd\"}]}}]}\n\n",
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"signed\",\"thoughtSignature\":\"c2ln\"}]}}]}\n\n",
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AA\"}}]}}]}\n\n",
        "data: {\"error\":{\"code\":500,\"message\":\"broken\"}}\n\n",
        ": keepalive\n\n",
        "data: [DONE]\n\n",
        "data: not json\n\n");
    for (String event : whole) {
      List<StreamOptimizer.Piece> pieces = GEMINI.pieces(Buffer.buffer(event));
      assertThat(pieces).as(event).hasSize(1);
      assertThat(pieces.get(0).bytes().toString()).isEqualTo(event);
      assertThat(pieces.get(0).delayMillis()).isZero();
    }
  }

  @Test
  void anOpenAiChunkKeepsItsRoleFirstAndItsFinishLast() throws Exception {
    String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
        + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"total_tokens\":3}}";
    List<StreamOptimizer.Piece> pieces = OPENAI.pieces(Buffer.buffer("data: " + chunk + "\n\n"));
    assertThat(pieces).hasSize(5);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      JsonNode piece = json(pieces.get(i));
      JsonNode choice = piece.path("choices").get(0);
      texts.add(choice.path("delta").path("content").asText());
      assertThat(choice.path("delta").has("role")).isEqualTo(i == 0);
      boolean last = i == pieces.size() - 1;
      assertThat(choice.path("finish_reason").isNull()).isEqualTo(!last);
      assertThat(piece.path("usage").isNull()).isEqualTo(!last);
      assertThat(pieces.get(i).delayMillis()).isEqualTo(i == 0 ? 0 : 24);
    }
    assertThat(texts).containsExactly("H", "e", "l", "l", "o");
  }

  @Test
  void openAiReasoningIsCutToo() throws Exception {
    String chunk = "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
        + "{\"reasoning_content\":\"hmm\"},\"finish_reason\":null}]}";
    List<StreamOptimizer.Piece> pieces = OPENAI.pieces(Buffer.buffer("data: " + chunk + "\n\n"));
    assertThat(pieces).hasSize(3);
    assertThat(json(pieces.get(2)).path("choices").get(0).path("delta").path("reasoning_content").asText())
        .isEqualTo("m");
  }

  @Test
  void openAiToolCallsUsageChunksAndMixedDeltasPassWhole() {
    List<String> whole = List.of(
        "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
            + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
            + "\"finish_reason\":null}]}\n\n",
        "data: {\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"total_tokens\":3}}\n\n",
        "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"a\","
            + "\"content\":\"b\"},\"finish_reason\":null}]}\n\n",
        "data: {\"error\":{\"message\":\"x\",\"type\":\"server_error\"}}\n\n");
    for (String event : whole) {
      List<StreamOptimizer.Piece> pieces = OPENAI.pieces(Buffer.buffer(event));
      assertThat(pieces).as(event).hasSize(1);
      assertThat(pieces.get(0).bytes().toString()).isEqualTo(event);
    }
  }
}
