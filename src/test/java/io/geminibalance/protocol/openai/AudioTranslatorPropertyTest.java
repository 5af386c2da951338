package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.TranscriptionTranslator.AudioFile;
import io.geminibalance.protocol.openai.TranscriptionTranslator.TranscriptionForm;
import io.geminibalance.testing.JsonArbitraries;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a client puts in the audio requests' fields, the translators either translate or refuse
 * with a {@link TranslationException} naming one of the request's fields: never another exception
 * (which would be a 500).
 */
class AudioTranslatorPropertyTest {
  private static final String[] SPEECH_FIELDS = {"model", "input", "voice", "response_format", "speed",
      "instructions", "stream_format"};
  private static final String[] FORM_FIELDS = {"model", "language", "prompt", "response_format", "temperature",
      "stream"};

  @Provide
  Arbitrary<ObjectNode> speechBodies() {
    Arbitrary<JsonNode> values = Arbitraries.oneOf(JsonArbitraries.any(2),
        Arbitraries.of("tts-1", "alloy", "Kore", "wav", "pcm", "mp3", "sse", "audio", "hello", "")
            .map(s -> (JsonNode) Fixtures.MAPPER.getNodeFactory().textNode(s)),
        Arbitraries.doubles().between(-1, 10).map(d -> (JsonNode) Fixtures.MAPPER.getNodeFactory().numberNode(d)));
    return Arbitraries.maps(Arbitraries.of(SPEECH_FIELDS), values).ofMaxSize(SPEECH_FIELDS.length).map(map -> {
      ObjectNode body = Fixtures.MAPPER.createObjectNode();
      map.forEach(body::set);
      return body;
    });
  }

  @Property(tries = 300)
  void speechTranslatesOrNamesAField(@ForAll("speechBodies") ObjectNode body) {
    try {
      SpeechTranslator.toGemini(body, AudioOptions.defaults());
    } catch (TranslationException e) {
      assertThat(SPEECH_FIELDS).contains(e.param());
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<TranscriptionForm> forms() {
    Arbitrary<String> values = Arbitraries.oneOf(JsonArbitraries.strings(),
        Arbitraries.of("whisper-1", "en", "json", "text", "srt", "0.5", "2", "true", "false", ""));
    Arbitrary<Map<String, String>> fields = Arbitraries.maps(Arbitraries.of(FORM_FIELDS), values)
        .ofMaxSize(FORM_FIELDS.length);
    Arbitrary<AudioFile> files = Arbitraries.oneOf(Arbitraries.just(null),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(16).flatMap(bytes -> Arbitraries.of("a.wav", "b", "c.txt", "")
            .flatMap(name -> Arbitraries.of("audio/wav", "", "text/plain", "application/octet-stream")
                .map(type -> new AudioFile(name, type, bytes)))));
    return fields.flatMap(f -> files.map(file -> new TranscriptionForm(new HashMap<>(f), file)));
  }

  @Property(tries = 300)
  void transcriptionTranslatesOrNamesAField(@ForAll("forms") TranscriptionForm form) {
    try {
      TranscriptionTranslator.toGemini(form, AudioOptions.defaults());
    } catch (TranslationException e) {
      assertThat(e.param()).isIn((Object[]) new String[] {"model", "file", "language", "prompt", "response_format",
          "temperature", "stream"});
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
