package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counterexamples AnswerPropertyTest found, kept as examples. */
class AnswerRegressionTest {

  private static final TranslationOptions OPTIONS = Fixtures.options(null);

  // candidates as an object: candidates.get(0) was null and CandidateReader threw NullPointerException.
  @Test
  void candidatesThatAreNotAnArrayAreAMalformedUpstreamAnswer() {
    assertThatThrownBy(() -> new ChatResponseTranslator(OPTIONS)
        .toCompletion(Fixtures.json("{\"candidates\":{\"a\":1}}"), TestContexts.context("gemini-2.5-flash", null)))
        .isInstanceOf(MalformedUpstreamException.class)
        .hasMessageContaining("'candidates' is not an array");
  }

  @Test
  void aStreamEventThatCannotBeReadEndsTheStreamWithAnError() {
    for (String event : List.of("{\"candidates\":{\"a\":1}}", "42", "\"text\"", "[]")) {
      ChatStreamTranslator translator = new ChatStreamTranslator(OPTIONS,
          TestContexts.context("gemini-2.5-flash", null), false);
      translator.onEvent(Fixtures.json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}"));

      List<ObjectNode> chunks = translator.onEvent(Fixtures.json(event));

      assertThat(chunks).singleElement().satisfies(chunk -> {
        assertThat(chunk.at("/error/code").asText()).isEqualTo("bad_gateway");
        assertThat(chunk.at("/error/message").asText()).contains("malformed");
      });
      assertThat(translator.failed()).isTrue();
      assertThat(translator.onEvent(Fixtures.json("{\"candidates\":[]}"))).isEmpty();
      assertThat(translator.onEnd()).isEmpty();
    }
  }

  @Test
  void aStreamPayloadThatIsNotJsonIsMalformedToo() {
    ChatStreamTranslator translator = new ChatStreamTranslator(OPTIONS,
        TestContexts.context("gemini-2.5-flash", null), true);

    assertThat(translator.onEvent(null)).singleElement()
        .satisfies(chunk -> assertThat(chunk.at("/error/type").asText()).isEqualTo("server_error"));
    assertThat(translator.failed()).isTrue();
  }

  // An embedding value that is not a number was copied to float answers and became 0.0 in base64 ones.
  @Test
  void embeddingValuesThatAreNotNumbersAreAMalformedUpstreamAnswer() {
    EmbeddingsTranslator.EmbeddingsRequest request = EmbeddingsTranslator.toGemini(
        Fixtures.json("{\"model\":\"text-embedding-004\",\"input\":\"a\",\"encoding_format\":\"base64\"}"));

    assertThatThrownBy(() -> EmbeddingsTranslator.toOpenAi(request,
        List.of(Fixtures.json("{\"embeddings\":[{\"values\":[0.5,\"x\"]}]}"))))
        .isInstanceOf(MalformedUpstreamException.class).hasMessageContaining("not a number");
    assertThatThrownBy(() -> EmbeddingsTranslator.toOpenAi(request,
        List.of(Fixtures.json("{\"embeddings\":{\"values\":[0.5]}}"))))
        .isInstanceOf(MalformedUpstreamException.class).hasMessageContaining("not an array");
  }

  // A blank upstream message ("\r\n") reached the client as the whole error message.
  @Test
  void aBlankUpstreamMessageIsReplacedByTheStatus() {
    OpenAiErrors.OpenAiError error = OpenAiErrors.fromUpstream(532,
        "{\"error\":{\"message\":\"\\r\\n\",\"status\":\"INVALID_ARGUMENT\"}}".getBytes(StandardCharsets.UTF_8));

    assertThat(error.body().at("/error/message").asText()).isEqualTo("Upstream Gemini API returned HTTP 532");
  }
}
