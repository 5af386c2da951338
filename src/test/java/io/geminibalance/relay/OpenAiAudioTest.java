package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.protocol.openai.TranscriptionTranslator;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /v1/audio/speech} and {@code POST /v1/audio/transcriptions} end to end: the
 * gateway in front of the fake Gemini, raw HTTP, every answer in OpenAI's shape.
 */
class OpenAiAudioTest {
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  static final ObjectMapper JSON = new ObjectMapper();
  static final String BEARER = "Bearer " + CLIENT_TOKEN;
  static final String TTS_PATH = "/v1beta/models/gemini-2.5-flash-preview-tts:generateContent";
  static final String STT_PATH = "/v1beta/models/gemini-2.5-flash:generateContent";
  static final byte[] PCM = {10, 0, -10, 0, 20, 0, -20, 0};

  static String audioAnswer(byte[] pcm) {
    return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"inlineData\":{\"mimeType\":"
        + "\"audio/L16;codec=pcm;rate=24000\",\"data\":\"" + Base64.getEncoder().encodeToString(pcm) + "\"}}]},"
        + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":30,"
        + "\"totalTokenCount\":34}}";
  }

  static HttpResponse<byte[]> speech(String prefix, String body) {
    try {
      return h.http.send(h.request(prefix + "/audio/speech", "authorization", BEARER, "content-type",
          "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(text, e);
    }
  }

  static JsonNode error(HttpResponse<byte[]> response) {
    assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    JsonNode error = json(new String(response.body(), StandardCharsets.UTF_8)).get("error");
    assertThat(error).as("OpenAI error shape").isNotNull();
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(error.has("type")).isTrue();
    return error;
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1", "/hf/v1"})
  void speechAnswersAWavFileOfGeminisSamples(String prefix) {
    h.fake.on(r -> r.path().equals(TTS_PATH), Replies.json(200, audioAnswer(PCM)));
    HttpResponse<byte[]> response = speech(prefix, "{\"model\":\"tts-1\",\"input\":\"Hello\",\"voice\":\"nova\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("audio/wav");
    byte[] wav = response.body();
    assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    assertThat(ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).getInt(24)).isEqualTo(24_000);
    assertThat(Arrays.copyOfRange(wav, 44, wav.length)).isEqualTo(PCM);
    List<Recorded> upstream = h.fake.requests(":generateContent");
    assertThat(upstream).hasSize(1);
    JsonNode sent = json(upstream.get(0).bodyText());
    assertThat(sent.at("/generationConfig/responseModalities/0").asText()).isEqualTo("AUDIO");
    assertThat(sent.at("/generationConfig/speechConfig/voiceConfig/prebuiltVoiceConfig/voiceName").asText())
        .isEqualTo("Puck");
    assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("Hello");
    assertThat(upstream.get(0).headers().get("x-goog-api-key")).isNotBlank();
  }

  @Test
  void pcmIsTheRawSamples() {
    h.fake.on(r -> r.path().equals(TTS_PATH), Replies.json(200, audioAnswer(PCM)));
    HttpResponse<byte[]> response = speech("/v1",
        "{\"model\":\"tts-1-hd\",\"input\":\"Hi\",\"voice\":\"Kore\",\"response_format\":\"pcm\",\"speed\":0.5}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("audio/pcm");
    assertThat(response.body()).isEqualTo(PCM);
    JsonNode sent = json(h.fake.requests(":generateContent").get(0).bodyText());
    assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("Speak very slowly. Say the following text:\nHi");
    assertThat(sent.at("/generationConfig/speechConfig/voiceConfig/prebuiltVoiceConfig/voiceName").asText())
        .isEqualTo("Kore");
  }

  @Test
  void aRateLimitedKeyIsRetriedOnAnotherKey() {
    h.fake.on(r -> r.path().equals(TTS_PATH), Replies.rateLimited("1s"), 1);
    h.fake.on(r -> r.path().equals(TTS_PATH), Replies.json(200, audioAnswer(PCM)));
    HttpResponse<byte[]> response = speech("/v1", "{\"model\":\"tts-1\",\"input\":\"Hello\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    List<Recorded> upstream = h.fake.requests(":generateContent");
    assertThat(upstream).hasSize(2);
    assertThat(upstream.get(0).key()).isNotEqualTo(upstream.get(1).key());
  }

  @Test
  void upstreamErrorIsInOpenAisShape() {
    h.fake.on(r -> r.path().endsWith(":generateContent"),
        Replies.googleError(400, "INVALID_ARGUMENT", "Model does not support the requested response modalities"));
    HttpResponse<byte[]> response = speech("/v1", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hello\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("message").asText()).contains("response modalities");
  }

  @Test
  void aBlockedInputIsTheClientsAndIsNotRetried() {
    h.fake.on(r -> r.path().equals(TTS_PATH), Replies.json(200,
        "{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"}}"));
    HttpResponse<byte[]> response = speech("/v1", "{\"model\":\"tts-1\",\"input\":\"something\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = error(response);
    assertThat(error.path("param").asText()).isEqualTo("input");
    assertThat(error.path("code").asText()).isEqualTo("content_policy_violation");
    assertThat(h.fake.requests(":generateContent")).hasSize(1);
  }

  @Test
  void anAnswerWithoutAudioIsABadGateway() {
    h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200,
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hello\"}]},\"finishReason\":\"STOP\"}]}"));
    HttpResponse<byte[]> response = speech("/v1", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hello\"}");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(error(response).path("type").asText()).isEqualTo("server_error");
  }

  @Test
  void badSpeechInputIsA400NamingTheFieldAndNothingGoesUpstream() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{\"model\":\"tts-1\",\"input\":\"\"}", "input");
    cases.put("{\"model\":\"tts-1\",\"input\":\"" + "a".repeat(4097) + "\"}", "input");
    cases.put("{\"model\":\"tts-1\",\"input\":\"hi\",\"voice\":\"darth\"}", "voice");
    cases.put("{\"model\":\"tts-1\",\"input\":\"hi\",\"response_format\":\"mp3\"}", "response_format");
    cases.put("{\"model\":\"tts-1\",\"input\":\"hi\",\"speed\":9}", "speed");
    cases.put("{\"model\":\"tts-1\",\"input\":\"hi\",\"stream_format\":\"sse\"}", "stream_format");
    cases.put("{\"input\":\"hi\"}", "model");
    cases.forEach((body, param) -> {
      HttpResponse<byte[]> response = speech("/v1", body);
      assertThat(response.statusCode()).as(param).isEqualTo(400);
      JsonNode error = error(response);
      assertThat(error.path("param").asText()).as(body.length() > 200 ? param : body).isEqualTo(param);
      assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    });
    HttpResponse<byte[]> notJson = speech("/v1", "not json");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(error(notJson).path("code").asText()).isEqualTo("invalid_json");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void withoutATokenNeitherEndpointReadsTheBody() {
    for (String path : List.of("/v1/audio/speech", "/v1/audio/transcriptions")) {
      HttpResponse<String> response = h.post(path, "{\"model\":\"tts-1\",\"input\":\"hi\"}");
      assertThat(response.statusCode()).as(path).isEqualTo(401);
      assertThat(response.body()).contains("\"error\"");
    }
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void getOnTheAudioPathsIsNotFound() {
    assertThat(h.get("/v1/audio/speech", "authorization", BEARER).statusCode()).isEqualTo(404);
  }

  // Transcriptions

  /** A multipart/form-data body; a part is {@code name=value}, or a file when {@code filename} is set. */
  static final class Form {
    final String boundary = "----gb-test-boundary-7MA4YWxkTrZu0gW";
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Form field(String name, String value) {
      write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
      return this;
    }

    Form file(String name, String filename, String type, byte[] bytes) {
      write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
          + "\"\r\n" + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n");
      out.writeBytes(bytes);
      write("\r\n");
      return this;
    }

    byte[] bytes() {
      write("--" + boundary + "--\r\n");
      return out.toByteArray();
    }

    String contentType() {
      return "multipart/form-data; boundary=" + boundary;
    }

    void write(String text) {
      out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  static HttpResponse<byte[]> transcribe(String prefix, String contentType, byte[] body) {
    try {
      return h.http.send(h.request(prefix + "/audio/transcriptions", "authorization", BEARER, "content-type",
          contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<byte[]> transcribe(String prefix, Form form) {
    return transcribe(prefix, form.contentType(), form.bytes());
  }

  static final String TRANSCRIPT = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
      + "\"Hello from the audio.\"}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":80,"
      + "\"candidatesTokenCount\":6,\"totalTokenCount\":86}}";

  @ParameterizedTest
  @ValueSource(strings = {"/v1", "/hf/v1"})
  void transcriptionSendsTheAudioInlineAndAnswersJson(String prefix) {
    h.fake.on(r -> r.path().equals(STT_PATH), Replies.json(200, TRANSCRIPT));
    byte[] audio = new byte[3000];
    new java.util.Random(7).nextBytes(audio);
    HttpResponse<byte[]> response = transcribe(prefix, new Form().field("model", "whisper-1").field("language", "en")
        .file("file", "memo.mp3", "application/octet-stream", audio));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = json(new String(response.body(), StandardCharsets.UTF_8));
    assertThat(answer.path("text").asText()).isEqualTo("Hello from the audio.");
    assertThat(answer.at("/usage/input_tokens").asInt()).isEqualTo(80);
    assertThat(answer.at("/usage/type").asText()).isEqualTo("tokens");
    JsonNode sent = json(h.fake.requests(":generateContent").get(0).bodyText());
    assertThat(sent.at("/contents/0/parts/1/inlineData/mimeType").asText()).isEqualTo("audio/mp3");
    assertThat(Base64.getDecoder().decode(sent.at("/contents/0/parts/1/inlineData/data").asText())).isEqualTo(audio);
    assertThat(sent.at("/contents/0/parts/0/text").asText()).contains("Transcribe").contains("'en'");
  }

  @Test
  void aFilePartWithoutAFilenameIsTheFileRecognisedByItsSignature() {
    h.fake.on(r -> r.path().equals(STT_PATH), Replies.json(200, TRANSCRIPT));
    byte[] wav = io.geminibalance.protocol.openai.Wav.wrap(PCM, 24_000, 1, 16);
    Form form = new Form().field("model", "whisper-1");
    form.write("--" + form.boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n");
    form.out.writeBytes(wav);
    form.write("\r\n");
    HttpResponse<byte[]> response = transcribe("/v1", form);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode sent = json(h.fake.requests(":generateContent").get(0).bodyText());
    assertThat(sent.at("/contents/0/parts/1/inlineData/mimeType").asText()).isEqualTo("audio/wav");
    assertThat(Base64.getDecoder().decode(sent.at("/contents/0/parts/1/inlineData/data").asText())).isEqualTo(wav);
  }

  @Test
  void textFormatIsPlainText() {
    h.fake.on(r -> r.path().equals("/v1beta/models/gemini-2.5-pro:generateContent"), Replies.json(200, TRANSCRIPT));
    HttpResponse<byte[]> response = transcribe("/v1", new Form().field("model", "gemini-2.5-pro")
        .field("response_format", "text").field("temperature", "0").file("file", "a.wav", "audio/wav", PCM));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("Hello from the audio.");
    JsonNode sent = json(h.fake.requests(":generateContent").get(0).bodyText());
    assertThat(sent.at("/generationConfig/temperature").asDouble()).isEqualTo(0.0);
  }

  @Test
  void transcriptionIsRetriedOnAnotherKeyOn429() {
    h.fake.on(r -> r.path().equals(STT_PATH), Replies.rateLimited("1s"), 1);
    h.fake.on(r -> r.path().equals(STT_PATH), Replies.json(200, TRANSCRIPT));
    HttpResponse<byte[]> response = transcribe("/v1", new Form().field("model", "whisper-1")
        .file("file", "a.wav", "audio/wav", PCM));
    assertThat(response.statusCode()).isEqualTo(200);
    List<Recorded> upstream = h.fake.requests(":generateContent");
    assertThat(upstream).hasSize(2);
    assertThat(upstream.get(0).key()).isNotEqualTo(upstream.get(1).key());
  }

  @Test
  void badFormsAreA400NamingTheFieldAndNothingGoesUpstream() {
    Map<String, Form> cases = new LinkedHashMap<>();
    cases.put("file", new Form().field("model", "whisper-1"));
    cases.put("file ", new Form().field("model", "whisper-1").field("file", "not audio, just text"));
    cases.put("file  ", new Form().field("model", "whisper-1").file("file", "notes.txt", "text/plain", PCM));
    cases.put("model", new Form().file("file", "a.wav", "audio/wav", PCM));
    cases.put("response_format", new Form().field("model", "whisper-1").field("response_format", "srt")
        .file("file", "a.wav", "audio/wav", PCM));
    cases.put("temperature", new Form().field("model", "whisper-1").field("temperature", "warm")
        .file("file", "a.wav", "audio/wav", PCM));
    cases.forEach((param, form) -> {
      HttpResponse<byte[]> response = transcribe("/v1", form);
      assertThat(response.statusCode()).as(param).isEqualTo(400);
      assertThat(error(response).path("param").asText()).as(param).isEqualTo(param.strip());
    });
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void aBodyThatIsNotAMultipartFormIs400() {
    HttpResponse<byte[]> json = transcribe("/v1", "application/json",
        "{\"model\":\"whisper-1\",\"file\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(error(json).path("code").asText()).isEqualTo("invalid_content_type");
    HttpResponse<byte[]> noBoundary = transcribe("/v1", "multipart/form-data", new Form().field("model", "x").bytes());
    assertThat(noBoundary.statusCode()).isEqualTo(400);
    assertThat(error(noBoundary).path("code").asText()).isEqualTo("invalid_multipart");
    HttpResponse<byte[]> garbage = transcribe("/v1", "multipart/form-data; boundary=abc",
        "this is not a form".getBytes(StandardCharsets.UTF_8));
    assertThat(garbage.statusCode()).isEqualTo(400);
    error(garbage);
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void aFileLargerThanGeminiTakesInlineIs413NamingTheLimit() {
    byte[] large = new byte[(int) TranscriptionTranslator.MAX_FILE_BYTES + 1];
    HttpResponse<byte[]> response = transcribe("/v1", new Form().field("model", "whisper-1")
        .file("file", "long.wav", "audio/wav", large));
    assertThat(response.statusCode()).isEqualTo(413);
    JsonNode error = error(response);
    assertThat(error.path("param").asText()).isEqualTo("file");
    assertThat(error.path("message").asText()).contains("20000000").startsWith("The audio file is");
    // A form larger still is refused by its length, before it is parsed.
    HttpResponse<byte[]> form = transcribe("/v1", new Form().field("model", "whisper-1")
        .file("file", "long.wav", "audio/wav", new byte[(int) TranscriptionTranslator.MAX_FILE_BYTES + 100_000]));
    assertThat(form.statusCode()).isEqualTo(413);
    assertThat(error(form).path("message").asText()).startsWith("The form is");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void aBlockedTranscriptionIsA400() {
    h.fake.on(r -> r.path().equals(STT_PATH), Replies.json(200, "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}"));
    HttpResponse<byte[]> response = transcribe("/v1", new Form().field("model", "whisper-1")
        .file("file", "a.wav", "audio/wav", PCM));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("code").asText()).isEqualTo("content_policy_violation");
  }
}
