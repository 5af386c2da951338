package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.protocol.gemini.ModelAliases;
import io.geminibalance.protocol.openai.TranscriptionTranslator.AudioFile;
import io.geminibalance.protocol.openai.TranscriptionTranslator.Transcript;
import io.geminibalance.protocol.openai.TranscriptionTranslator.TranscriptionForm;
import io.geminibalance.protocol.openai.TranscriptionTranslator.TranscriptionRequest;
import java.nio.file.Path;
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
 * Transcription forms under {@code fixtures/openai/transcription} ({@code NN-*.json}: form and
 * expected Gemini body; {@code answer-*.json}: Gemini's answer and the expected transcript), and
 * bad forms naming their field.
 */
class TranscriptionTranslatorTest {
  private static final byte[] AUDIO = {1, 2, 3, 4, 5};

  private static TranscriptionForm form(JsonNode request) {
    Map<String, String> fields = new HashMap<>();
    request.path("fields").properties().forEach(e -> fields.put(e.getKey(), e.getValue().asText()));
    JsonNode file = request.get("file");
    return new TranscriptionForm(fields, file == null ? null : new AudioFile(file.path("filename").asText(),
        file.path("contentType").asText(), Base64.getDecoder().decode(file.path("base64").asText())));
  }

  @TestFactory
  Stream<DynamicTest> everyTranscriptionRequestFixtureTranslatesExactly() {
    List<Path> files = Fixtures.list("fixtures/openai/transcription", ".json").stream()
        .filter(p -> !p.getFileName().toString().startsWith("answer-")).toList();
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      JsonNode fixture = Fixtures.read(file);
      TranscriptionRequest translated = TranscriptionTranslator.toGemini(form(fixture.get("request")),
          SpeechTranslatorTest.options(fixture.get("options")));
      JsonNode expected = fixture.get("expected");
      // Through text: the audio is a binary node, written as base64.
      assertThat(Fixtures.json(translated.body().toString())).as("body").isEqualTo(expected.get("body"));
      assertThat(translated.upstreamModel()).as("model").isEqualTo(expected.get("model").asText());
      assertThat(translated.format().name()).as("format").isEqualTo(expected.get("format").asText());
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyTranscriptionAnswerFixtureReadsExactly() {
    List<Path> files = Fixtures.list("fixtures/openai/transcription", ".json").stream()
        .filter(p -> p.getFileName().toString().startsWith("answer-")).toList();
    assertThat(files).hasSizeGreaterThanOrEqualTo(2);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      JsonNode fixture = Fixtures.read(file);
      Transcript transcript = TranscriptionTranslator.fromGemini(fixture.get("answer"));
      assertThat(transcript).isInstanceOf(Transcript.Text.class);
      // Through text: the translator writes counts as longs, the parser reads small numbers as ints.
      assertThat(Fixtures.json(TranscriptionTranslator.toJson((Transcript.Text) transcript).toString()))
          .isEqualTo(fixture.get("expected"));
    }));
  }

  private static TranscriptionForm form(Map<String, String> fields, AudioFile file) {
    return new TranscriptionForm(fields, file);
  }

  private static AudioFile wav() {
    return new AudioFile("a.wav", "audio/wav", AUDIO);
  }

  private static TranslationException refused(TranscriptionForm form) {
    TranslationException e = catchThrowableOfType(TranslationException.class,
        () -> TranscriptionTranslator.toGemini(form, AudioOptions.defaults()));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).isNotBlank();
    return e;
  }

  @Test
  void missingOrEmptyFileNamesFile() {
    TranslationException missing = refused(form(Map.of("model", "whisper-1"), null));
    assertThat(missing.param()).isEqualTo("file");
    assertThat(missing.code()).isEqualTo(ModelName.MISSING);
    assertThat(refused(form(Map.of("model", "whisper-1"), new AudioFile("a.wav", "audio/wav", new byte[0]))).param())
        .isEqualTo("file");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "response_format, srt, unsupported_value", "response_format, vtt, unsupported_value",
      "response_format, verbose_json, unsupported_value", "response_format, xml, invalid_value",
      "temperature, hot,", "temperature, 1.5,", "temperature, -0.1,", "language, english!, invalid_value",
      "stream, true, unsupported_value", "stream, yes,", "model, ../etc, invalid_model"})
  void badFieldsAreRefusedNamingThem(String field, String value, String code) {
    Map<String, String> fields = new HashMap<>(Map.of("model", "whisper-1"));
    fields.put(field, value);
    TranslationException e = refused(form(fields, wav()));
    assertThat(e.param()).isEqualTo(field);
    assertThat(e.code()).isEqualTo(code);
  }

  @Test
  void missingModelIsRefused() {
    assertThat(refused(form(Map.of(), wav())).code()).isEqualTo(ModelName.MISSING);
  }

  @Test
  void aFileNeitherTypeNorExtensionIdentifiesIsRefusedNamingFile() {
    TranslationException e = refused(form(Map.of("model", "whisper-1"), new AudioFile("notes.txt", "text/plain",
        "just some text".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    assertThat(e.param()).isEqualTo("file");
    assertThat(e.getMessage()).contains("notes.txt").contains("text/plain");
  }

  @ParameterizedTest
  @CsvSource({"x.wav, , audio/wav", "x.MP3, application/octet-stream, audio/mp3", "x, audio/x-wav, audio/wav",
      "x.bin, audio/flac; charset=binary, audio/flac", "x.webm, , audio/webm", "x.ogg, , audio/ogg",
      "x.aiff, , audio/aiff", "x.aac, , audio/aac", "x.mp4, , audio/mp4", "x.mpga, , audio/mp3"})
  void mimeTypeComesFromTheTypeOrElseTheExtension(String name, String type, String mime) {
    assertThat(TranscriptionTranslator.mimeType(new AudioFile(name, type == null ? "" : type, AUDIO))).isEqualTo(mime);
  }

  @ParameterizedTest
  @CsvSource({"52494646000000005741564566, audio/wav", "464f524d00000000414946460a, audio/aiff",
      "664c614300, audio/flac", "4f67675300, audio/ogg", "0000001c6674797069736f6d, audio/mp4",
      "1a45dfa39f, audio/webm", "4944330400, audio/mp3", "fffb9064, audio/mp3", "fff15080, audio/aac"})
  void withoutTypeOrExtensionTheSignatureDecides(String hex, String mime) {
    byte[] bytes = java.util.HexFormat.of().parseHex(hex);
    assertThat(TranscriptionTranslator.mimeType(new AudioFile("upload", "application/octet-stream", bytes)))
        .isEqualTo(mime);
  }

  @Test
  void fileSizeLimitLeavesGeminisInlineRequestLimitRoomForTheRest() {
    assertThat(TranscriptionTranslator.tooLarge(TranscriptionTranslator.MAX_FILE_BYTES)).isEmpty();
    var error = TranscriptionTranslator.tooLarge(TranscriptionTranslator.MAX_FILE_BYTES + 1).orElseThrow();
    assertThat(error.status()).isEqualTo(413);
    assertThat(error.body().at("/error/param").asText()).isEqualTo("file");
    assertThat(error.body().at("/error/message").asText()).contains("20000000");
    // base64 of the largest file, plus the instruction, stays under Google's 20 MB.
    assertThat((TranscriptionTranslator.MAX_FILE_BYTES + 2) / 3 * 4 + 64 * 1024)
        .isLessThan(TranscriptionTranslator.GEMINI_INLINE_REQUEST_BYTES);
  }

  @Test
  void aFormTooLargeToHoldAnAcceptableFileIsRefusedBeforeParsing() {
    long limit = TranscriptionTranslator.MAX_FILE_BYTES + TranscriptionTranslator.MAX_FORM_OVERHEAD_BYTES;
    assertThat(TranscriptionTranslator.formTooLarge(limit)).isEmpty();
    assertThat(TranscriptionTranslator.formTooLarge(limit + 1).orElseThrow().body().at("/error/message").asText())
        .startsWith("The form is " + (limit + 1) + " bytes");
  }

  @Test
  void aliasesApplyBeforeOpenAisNames() {
    AudioOptions options = new AudioOptions("tts", "Zephyr", "normal", "gemini-2.5-flash",
        ModelAliases.of(Map.of("my-stt", "gemini-2.5-pro", "whisper-1", "gemini-2.0-flash")));
    assertThat(TranscriptionTranslator.toGemini(form(Map.of("model", "my-stt"), wav()), options).upstreamModel())
        .isEqualTo("gemini-2.5-pro");
    assertThat(TranscriptionTranslator.toGemini(form(Map.of("model", "whisper-1"), wav()), options).upstreamModel())
        .isEqualTo("gemini-2.0-flash");
    assertThat(TranscriptionTranslator.toGemini(form(Map.of("model", "gpt-4o-mini-transcribe"), wav()), options)
        .upstreamModel()).isEqualTo("gemini-2.5-flash");
  }

  @Test
  void aBlockedAnswerIsBlocked() {
    assertThat(TranscriptionTranslator.fromGemini(Fixtures.json("{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}")))
        .isEqualTo(new Transcript.Blocked("SAFETY"));
  }
}
