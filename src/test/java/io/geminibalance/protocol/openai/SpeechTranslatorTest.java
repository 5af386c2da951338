package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.protocol.gemini.ModelAliases;
import io.geminibalance.protocol.openai.SpeechTranslator.SpeechAnswer;
import io.geminibalance.protocol.openai.SpeechTranslator.SpeechRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Speech requests under {@code fixtures/openai/speech} (request, optional options, expected model,
 * voice, format and Gemini body), bad input naming its field, and Gemini's audio answers.
 */
class SpeechTranslatorTest {

  static AudioOptions options(JsonNode overrides) {
    AudioOptions d = AudioOptions.defaults();
    if (overrides == null) {
      return d;
    }
    Map<String, String> aliases = new HashMap<>();
    overrides.path("aliases").properties().forEach(e -> aliases.put(e.getKey(), e.getValue().asText()));
    return new AudioOptions(overrides.path("ttsModel").asText(d.ttsModel()),
        overrides.path("ttsVoice").asText(d.ttsVoice()), overrides.path("ttsSpeed").asText(d.ttsSpeed()),
        overrides.path("transcriptionModel").asText(d.transcriptionModel()), ModelAliases.of(aliases));
  }

  @TestFactory
  Stream<DynamicTest> everySpeechFixtureTranslatesExactly() {
    List<Path> files = Fixtures.list("fixtures/openai/speech", ".json");
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      JsonNode fixture = Fixtures.read(file);
      JsonNode request = fixture.get("request");
      String before = request.toString();
      SpeechRequest translated = SpeechTranslator.toGemini(request, options(fixture.get("options")));
      JsonNode expected = fixture.get("expected");
      assertThat(translated.body()).as("body").isEqualTo(expected.get("body"));
      assertThat(translated.upstreamModel()).as("model").isEqualTo(expected.get("model").asText());
      assertThat(translated.voice()).as("voice").isEqualTo(expected.get("voice").asText());
      assertThat(translated.format().name()).as("format").isEqualTo(expected.get("format").asText());
      assertThat(translated.requestedModel()).as("requested").isEqualTo(request.get("model").asText());
      assertThat(request.toString()).as("input untouched").isEqualTo(before);
    }));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no input            | {\"model\":\"tts-1\",\"voice\":\"alloy\"}                                   | input           | missing_required_parameter",
      "empty input         | {\"model\":\"tts-1\",\"input\":\"  \"}                                      | input           | ",
      "input not a string  | {\"model\":\"tts-1\",\"input\":[\"a\"]}                                     | input           | ",
      "unknown voice       | {\"model\":\"tts-1\",\"input\":\"hi\",\"voice\":\"robot\"}                  | voice           | invalid_value",
      "custom voice object | {\"model\":\"tts-1\",\"input\":\"hi\",\"voice\":{\"id\":\"voice_1\"}}       | voice           | ",
      "mp3                 | {\"model\":\"tts-1\",\"input\":\"hi\",\"response_format\":\"mp3\"}          | response_format | unsupported_value",
      "opus                | {\"model\":\"tts-1\",\"input\":\"hi\",\"response_format\":\"opus\"}         | response_format | unsupported_value",
      "unknown format      | {\"model\":\"tts-1\",\"input\":\"hi\",\"response_format\":\"ogg\"}          | response_format | invalid_value",
      "speed too low       | {\"model\":\"tts-1\",\"input\":\"hi\",\"speed\":0.1}                        | speed           | invalid_value",
      "speed too high      | {\"model\":\"tts-1\",\"input\":\"hi\",\"speed\":4.5}                        | speed           | invalid_value",
      "speed not a number  | {\"model\":\"tts-1\",\"input\":\"hi\",\"speed\":\"fast\"}                   | speed           | ",
      "sse                 | {\"model\":\"tts-1\",\"input\":\"hi\",\"stream_format\":\"sse\"}            | stream_format   | unsupported_value",
      "no model            | {\"input\":\"hi\"}                                                          | model           | missing_required_parameter",
      "malformed model     | {\"model\":\"../x\",\"input\":\"hi\"}                                       | model           | invalid_model",
      "instructions number | {\"model\":\"tts-1\",\"input\":\"hi\",\"instructions\":3}                   | instructions    | ",
  })
  void badInputIsA400NamingTheField(String name, String body, String param, String code) {
    TranslationException e = catchThrowableOfType(TranslationException.class,
        () -> SpeechTranslator.toGemini(Fixtures.json(body), AudioOptions.defaults()));
    assertThat(e).as(name).isNotNull();
    assertThat(e.param()).isEqualTo(param);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.getMessage()).isNotBlank();
  }

  @Test
  void inputLongerThanOpenAisLimitIsRefusedAndTheLimitItselfIsAccepted() {
    String atLimit = "a".repeat(SpeechTranslator.MAX_INPUT_CHARS);
    assertThat(SpeechTranslator.toGemini(Fixtures.json("{\"model\":\"tts-1\",\"input\":\"" + atLimit + "\"}"),
        AudioOptions.defaults()).body().at("/contents/0/parts/0/text").asText()).isEqualTo(atLimit);
    // Characters, not UTF-16 units: 4096 emoji are within the limit.
    String emoji = "\uD83D\uDE00".repeat(SpeechTranslator.MAX_INPUT_CHARS);
    assertThat(SpeechTranslator.toGemini(Fixtures.MAPPER.createObjectNode().put("model", "tts-1").put("input", emoji),
        AudioOptions.defaults()).voice()).isEqualTo("Zephyr");
    TranslationException e = catchThrowableOfType(TranslationException.class, () -> SpeechTranslator.toGemini(
        Fixtures.json("{\"model\":\"tts-1\",\"input\":\"" + atLimit + "b\"}"), AudioOptions.defaults()));
    assertThat(e.param()).isEqualTo("input");
    assertThat(e.getMessage()).contains("4097").contains("4096");
  }

  @Test
  void unknownVoiceMessageListsTheVoicesAndQuotesOnlyAnExcerpt() {
    String longVoice = "x".repeat(5000);
    TranslationException e = catchThrowableOfType(TranslationException.class, () -> SpeechTranslator.toGemini(
        Fixtures.MAPPER.createObjectNode().put("model", "tts-1").put("input", "hi").put("voice", longVoice),
        AudioOptions.defaults()));
    assertThat(e.getMessage()).contains("alloy").contains("Zephyr").contains("Sulafat").hasSizeLessThan(1200);
  }

  @Test
  void everyOpenAiVoiceMapsToADocumentedGeminiVoice() {
    assertThat(SpeechTranslator.GEMINI_VOICES).hasSize(30).doesNotHaveDuplicates();
    assertThat(SpeechTranslator.OPENAI_VOICES.keySet()).containsExactly("alloy", "ash", "ballad", "coral", "echo",
        "fable", "onyx", "nova", "sage", "shimmer", "verse", "marin", "cedar");
    assertThat(SpeechTranslator.GEMINI_VOICES).containsAll(SpeechTranslator.OPENAI_VOICES.values());
  }

  @ParameterizedTest
  @CsvSource({"0.25, very slowly", "0.5, very slowly", "0.75, slowly", "1.0, ''", "1.1, ''", "1.5, quickly",
      "2.0, very quickly", "4.0, very quickly"})
  void numericSpeedBecomesAPaceWord(double speed, String pace) {
    String text = SpeechTranslator.toGemini(Fixtures.MAPPER.createObjectNode().put("model", "tts-1")
        .put("input", "hi").put("speed", speed), AudioOptions.defaults()).body().at("/contents/0/parts/0/text").asText();
    assertThat(text).isEqualTo(pace.isEmpty() ? "hi" : "Speak " + pace + ". Say the following text:\nhi");
  }

  private static JsonNode audioAnswer(String mime, byte[]... chunks) {
    var answer = Fixtures.MAPPER.createObjectNode();
    var parts = answer.putArray("candidates").addObject().put("finishReason", "STOP").putObject("content")
        .put("role", "model").putArray("parts");
    for (byte[] chunk : chunks) {
      parts.addObject().putObject("inlineData").put("mimeType", mime).put("data", Base64.getEncoder().encodeToString(chunk));
    }
    return answer;
  }

  private static SpeechRequest request(String format) {
    return SpeechTranslator.toGemini(Fixtures.json("{\"model\":\"tts-1\",\"input\":\"hi\",\"response_format\":\""
        + format + "\"}"), AudioOptions.defaults());
  }

  @Test
  void wavAnswerIsTheJoinedPcmBehindAHeaderAtGeminisRate() {
    byte[] first = {1, 2, 3, 4};
    byte[] second = {5, 6};
    SpeechAnswer answer = SpeechTranslator.fromGemini(request("wav"),
        audioAnswer("audio/L16;codec=pcm;rate=24000", first, second));
    assertThat(answer).isInstanceOf(SpeechAnswer.Audio.class);
    SpeechAnswer.Audio audio = (SpeechAnswer.Audio) answer;
    assertThat(audio.contentType()).isEqualTo("audio/wav");
    byte[] wav = audio.bytes();
    assertThat(wav).hasSize(44 + 6);
    ByteBuffer header = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(header.getInt(24)).as("sample rate").isEqualTo(24_000);
    assertThat(header.getShort(22)).as("channels").isEqualTo((short) 1);
    assertThat(header.getShort(34)).as("bits").isEqualTo((short) 16);
    assertThat(header.getInt(40)).as("data size").isEqualTo(6);
    assertThat(Arrays.copyOfRange(wav, 44, 50)).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void pcmAnswerIsTheRawSamplesAndAnotherRateIsKept() {
    SpeechAnswer.Audio pcm = (SpeechAnswer.Audio) SpeechTranslator.fromGemini(request("pcm"),
        audioAnswer("audio/L16;codec=pcm;rate=24000", new byte[] {9, 8}));
    assertThat(pcm.contentType()).isEqualTo("audio/pcm");
    assertThat(pcm.bytes()).containsExactly(9, 8);
    SpeechAnswer.Audio wav = (SpeechAnswer.Audio) SpeechTranslator.fromGemini(request("wav"),
        audioAnswer("audio/L16;rate=16000", new byte[] {0, 0}));
    assertThat(ByteBuffer.wrap(wav.bytes()).order(ByteOrder.LITTLE_ENDIAN).getInt(24)).isEqualTo(16_000);
  }

  @Test
  void aBlockedPromptOrFilteredCandidateIsBlockedNotNoAudio() {
    assertThat(SpeechTranslator.fromGemini(request("wav"),
        Fixtures.json("{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"}}")))
        .isEqualTo(new SpeechAnswer.Blocked("PROHIBITED_CONTENT"));
    assertThat(SpeechTranslator.fromGemini(request("wav"),
        Fixtures.json("{\"candidates\":[{\"finishReason\":\"SAFETY\"}]}")))
        .isEqualTo(new SpeechAnswer.Blocked("SAFETY"));
  }

  @Test
  void aTextOnlyAnswerIsNoAudio() {
    assertThat(SpeechTranslator.fromGemini(request("wav"), Fixtures.json(
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"I can't speak\"}]},\"finishReason\":\"STOP\"}]}")))
        .isEqualTo(new SpeechAnswer.NoAudio("STOP"));
    assertThat(SpeechTranslator.fromGemini(request("wav"), Fixtures.json("{}")))
        .isEqualTo(new SpeechAnswer.NoAudio("none"));
  }

  @Test
  void audioDataThatIsNotBase64IsMalformed() {
    JsonNode answer = Fixtures.json("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":"
        + "{\"mimeType\":\"audio/L16;rate=24000\",\"data\":\"%%%\"}}]}}]}");
    assertThat(catchThrowableOfType(MalformedUpstreamException.class,
        () -> SpeechTranslator.fromGemini(request("wav"), answer))).isNotNull();
  }
}
