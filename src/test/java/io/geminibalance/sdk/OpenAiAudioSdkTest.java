package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.audio.AudioModel;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.speech.SpeechModel;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;
import io.geminibalance.protocol.openai.Wav;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audio.speech} and {@code audio.transcriptions} through the OpenAI Java SDK, on /v1 and /hf/v1. */
class OpenAiAudioSdkTest {
  static GatewayHarness h;
  static OpenAIClient client;
  static OpenAIClient hfClient;

  static final byte[] PCM = new byte[4800];
  static final String TTS = "/v1beta/models/gemini-2.5-flash-preview-tts:generateContent";
  static final String STT = "/v1beta/models/gemini-2.5-flash:generateContent";

  static {
    for (int i = 0; i < PCM.length; i += 2) {
      PCM[i] = (byte) (i % 251);
    }
  }

  @BeforeAll
  static void start() {
    h = GatewayHarness.start();
    client = OpenAiSdkSupport.client(h);
    hfClient = OpenAIOkHttpClient.builder().apiKey(GatewayHarness.CLIENT_TOKEN).baseUrl(h.url("/hf/v1"))
        .maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @BeforeEach
  void reset() {
    h.fake.reset();
  }

  static String audioAnswer() {
    return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"inlineData\":{\"mimeType\":"
        + "\"audio/L16;codec=pcm;rate=24000\",\"data\":\"" + Base64.getEncoder().encodeToString(PCM) + "\"}}]},"
        + "\"finishReason\":\"STOP\"}]}";
  }

  @Test
  void speechWavIsAFileTheJdkReadsAs24KhzMono16Bit() throws Exception {
    h.fake.on(r -> r.path().equals(TTS), Replies.json(200, audioAnswer()));
    byte[] wav;
    try (HttpResponse response = client.audio().speech().create(SpeechCreateParams.builder()
        .model(SpeechModel.GPT_4O_MINI_TTS).input("Hello from the gateway.").voice("shimmer")
        .instructions("Speak like a radio host").speed(1.0).responseFormat(SpeechCreateParams.ResponseFormat.WAV)
        .build())) {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().values("content-type")).containsExactly("audio/wav");
      wav = response.body().readAllBytes();
    }
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
      AudioFormat format = in.getFormat();
      assertThat(format.getSampleRate()).isEqualTo(24_000f);
      assertThat(format.getChannels()).isEqualTo(1);
      assertThat(format.getSampleSizeInBits()).isEqualTo(16);
      assertThat(in.readAllBytes()).isEqualTo(PCM);
    }
    JsonNode sent = OpenAiSdkSupport.onlyUpstream(h, ":generateContent");
    assertThat(sent.at("/generationConfig/speechConfig/voiceConfig/prebuiltVoiceConfig/voiceName").asText())
        .isEqualTo("Autonoe");
    assertThat(sent.at("/contents/0/parts/0/text").asText())
        .isEqualTo("Speak like a radio host. Say the following text:\nHello from the gateway.");
  }

  @Test
  void speechPcmOnHfV1WithAGeminiVoice() throws Exception {
    h.fake.on(r -> r.path().equals(TTS), Replies.json(200, audioAnswer()));
    try (HttpResponse response = hfClient.audio().speech().create(SpeechCreateParams.builder()
        .model(SpeechModel.TTS_1).input("Hi").voice("Charon").responseFormat(SpeechCreateParams.ResponseFormat.PCM)
        .build())) {
      assertThat(response.headers().values("content-type")).containsExactly("audio/pcm");
      assertThat(response.body().readAllBytes()).isEqualTo(PCM);
    }
  }

  @Test
  void speechInMp3IsABadRequestNamingResponseFormat() {
    BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> client.audio().speech()
        .create(SpeechCreateParams.builder().model(SpeechModel.TTS_1).input("Hi")
            .voice(SpeechCreateParams.Voice.ofString("alloy"))
            .responseFormat(SpeechCreateParams.ResponseFormat.MP3).build()).close());
    assertThat(e).isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.param()).hasValue("response_format");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void speechWithAnUnknownVoiceIsABadRequestNamingVoice() {
    BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> client.audio().speech()
        .create(SpeechCreateParams.builder().model(SpeechModel.TTS_1).input("Hi").voice("hal9000").build()).close());
    assertThat(e.param()).hasValue("voice");
  }

  static final String TRANSCRIPT = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
      + "\"The quick brown fox.\"}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":50,"
      + "\"candidatesTokenCount\":5,\"totalTokenCount\":55}}";

  @Test
  void transcriptionOfAWavFileByPath(@TempDir Path dir) throws Exception {
    h.fake.on(r -> r.path().equals(STT), Replies.json(200, TRANSCRIPT));
    Path file = dir.resolve("fox.wav");
    byte[] wav = Wav.wrap(PCM, 24_000, 1, 16);
    Files.write(file, wav);
    TranscriptionCreateResponse response = client.audio().transcriptions().create(TranscriptionCreateParams
        .builder().file(file).model(AudioModel.WHISPER_1).language("en").prompt("Foxes.").temperature(0.0).build());
    assertThat(response.isTranscription()).isTrue();
    assertThat(response.asTranscription().text()).isEqualTo("The quick brown fox.");
    assertThat(response.asTranscription().usage().orElseThrow().asTokens().totalTokens()).isEqualTo(55);
    JsonNode sent = OpenAiSdkSupport.onlyUpstream(h, ":generateContent");
    assertThat(sent.at("/contents/0/parts/1/inlineData/mimeType").asText()).isEqualTo("audio/wav");
    assertThat(Base64.getDecoder().decode(sent.at("/contents/0/parts/1/inlineData/data").asText())).isEqualTo(wav);
    assertThat(sent.at("/contents/0/parts/0/text").asText()).contains("'en'").contains("Foxes.");
  }

  @Test
  void transcriptionOfBytesWithoutANameIsRecognisedByItsSignatureOnHfV1() {
    h.fake.on(r -> r.path().equals(STT), Replies.json(200, TRANSCRIPT));
    TranscriptionCreateResponse response = hfClient.audio().transcriptions().create(TranscriptionCreateParams
        .builder().file(Wav.wrap(PCM, 24_000, 1, 16)).model(AudioModel.GPT_4O_TRANSCRIBE).build());
    assertThat(response.asTranscription().text()).isEqualTo("The quick brown fox.");
    List<Recorded> upstream = h.fake.requests(":generateContent");
    assertThat(upstream).hasSize(1);
    assertThat(OpenAiSdkSupport.body(upstream.get(0)).at("/contents/0/parts/1/inlineData/mimeType").asText())
        .isEqualTo("audio/wav");
  }

  @Test
  void transcriptionAsTextAnswersThePlainTranscript() {
    h.fake.on(r -> r.path().equals(STT), Replies.json(200, TRANSCRIPT));
    TranscriptionCreateResponse response = client.audio().transcriptions().create(TranscriptionCreateParams
        .builder().file(Wav.wrap(PCM, 24_000, 1, 16)).model(AudioModel.WHISPER_1)
        .responseFormat(AudioResponseFormat.TEXT).build());
    assertThat(response.asTranscription().text()).isEqualTo("The quick brown fox.");
  }

  @Test
  void transcriptionAsSrtIsABadRequestNamingResponseFormat() {
    BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> client.audio().transcriptions()
        .create(TranscriptionCreateParams.builder().file(Wav.wrap(PCM, 24_000, 1, 16)).model(AudioModel.WHISPER_1)
            .responseFormat(AudioResponseFormat.SRT).build()));
    assertThat(e.param()).hasValue("response_format");
    assertThat(h.fake.requests()).isEmpty();
  }
}
