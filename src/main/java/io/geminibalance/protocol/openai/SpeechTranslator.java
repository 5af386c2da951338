package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.PathSegments;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI {@code POST /audio/speech} to a Gemini TTS {@code generateContent} request, and Gemini's
 * audio answer back to the bytes OpenAI clients expect ({@code wav} or {@code pcm}). Pure.
 *
 * <p>Voices: Gemini's 30 prebuilt voices by name (any case), OpenAI's voices mapped to a Gemini
 * voice each ({@link #OPENAI_VOICES}); anything else is a 400 naming {@code voice}, as OpenAI
 * answers an unknown voice. Speed and {@code instructions} have no field in Gemini's speech
 * config: they become a short direction before the text, and only when there is one to give.
 */
public final class SpeechTranslator {
  /** OpenAI's limit on {@code input}, in characters. */
  public static final int MAX_INPUT_CHARS = 4096;
  /** OpenAI's range of {@code speed}. */
  public static final double MIN_SPEED = 0.25;
  public static final double MAX_SPEED = 4.0;
  /** Gemini TTS's output when its mime type does not say otherwise: 24 kHz, 16-bit, mono. */
  static final int DEFAULT_RATE = 24_000;

  /** Gemini's prebuilt voices, as Google spells them. */
  public static final List<String> GEMINI_VOICES = List.of("Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda",
      "Orus", "Aoede", "Callirrhoe", "Autonoe", "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina", "Erinome",
      "Algenib", "Rasalgethi", "Laomedeia", "Achernar", "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird",
      "Zubenelgenubi", "Vindemiatrix", "Sadachbia", "Sadaltager", "Sulafat");

  /**
   * OpenAI's voices to the Gemini voice whose documented character is closest (Google describes
   * each voice with one word: Even, Informative, Smooth, ...). The README shows the same table.
   */
  public static final Map<String, String> OPENAI_VOICES = openAiVoices();

  private static final Map<String, String> BY_LOWER_NAME = byLowerName();
  private static final Pattern RATE = Pattern.compile("rate=(\\d{3,6})");

  /** What the client gets: the MIME type of its {@code response_format}. */
  public enum Format {
    WAV("audio/wav"),
    PCM("audio/pcm");

    private final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }

    public String contentType() {
      return contentType;
    }
  }

  /**
   * A translated speech request.
   *
   * @param requestedModel {@code model} as the client sent it
   * @param upstreamModel the Gemini TTS model of the upstream path
   * @param voice the Gemini voice
   * @param body the {@code generateContent} body
   */
  public record SpeechRequest(String requestedModel, String upstreamModel, String voice, Format format,
      ObjectNode body) {}

  /** What Gemini's answer amounts to. */
  public sealed interface SpeechAnswer {
    /** Audio in the requested format. */
    record Audio(byte[] bytes, String contentType) implements SpeechAnswer {}

    /** Gemini refused the text (a safety, recitation or policy filter): the client's request. */
    record Blocked(String reason) implements SpeechAnswer {}

    /** An answer without audio and without a refusal (e.g. the model answered in text). */
    record NoAudio(String finishReason) implements SpeechAnswer {}
  }

  private SpeechTranslator() {}

  /** @throws TranslationException naming the field at fault */
  public static SpeechRequest toGemini(JsonNode request, AudioOptions options) {
    if (request == null || !request.isObject()) {
      throw new TranslationException(null, "the request body must be a JSON object");
    }
    String requested = ModelName.requiredIn(request);
    String input = input(request);
    String voice = voice(request.get("voice"), options.ttsVoice());
    Format format = format(request);
    String streamFormat = Json.optString(request, "stream_format", "stream_format").orElse("audio");
    if (!streamFormat.equals("audio")) {
      throw new TranslationException("stream_format", "stream_format must be 'audio': the gateway answers with"
          + " the whole audio file, not server-sent events", "unsupported_value");
    }
    String direction = direction(pace(request, options.ttsSpeed()),
        Json.optString(request, "instructions", "instructions").map(String::strip).orElse(""));
    ObjectNode body = Json.object();
    body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject()
        .put("text", direction.isEmpty() ? input : direction + "\n" + input);
    ObjectNode generationConfig = body.putObject("generationConfig");
    generationConfig.putArray("responseModalities").add("AUDIO");
    generationConfig.putObject("speechConfig").putObject("voiceConfig").putObject("prebuiltVoiceConfig")
        .put("voiceName", voice);
    return new SpeechRequest(requested, options.speechModel(requested), voice, format, body);
  }

  /**
   * Gemini's answer as the client's audio: the audio parts' PCM (little-endian 16-bit, as Gemini
   * sends it despite the {@code L16} name), joined, raw for {@code pcm} or in a WAV file at the
   * rate Gemini's MIME type names.
   *
   * @throws MalformedUpstreamException when an audio part's data is not base64
   */
  public static SpeechAnswer fromGemini(SpeechRequest request, JsonNode answer) {
    Optional<String> blocked = FinishReasons.blockReason(answer);
    if (blocked.isPresent()) {
      return new SpeechAnswer.Blocked(blocked.get());
    }
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    int rate = -1;
    for (JsonNode part : answer.path("candidates").path(0).path("content").path("parts")) {
      JsonNode inline = part.path("inlineData");
      String mime = inline.path("mimeType").asText("");
      if (!mime.toLowerCase(Locale.ROOT).startsWith("audio/")) {
        continue;
      }
      try {
        pcm.writeBytes(Base64.getDecoder().decode(inline.path("data").asText("")));
      } catch (IllegalArgumentException e) {
        throw new MalformedUpstreamException("Gemini's audio data is not base64");
      }
      if (rate < 0) {
        Matcher matcher = RATE.matcher(mime);
        rate = matcher.find() ? Integer.parseInt(matcher.group(1)) : DEFAULT_RATE;
      }
    }
    if (rate < 0 || pcm.size() == 0) {
      return new SpeechAnswer.NoAudio(answer.path("candidates").path(0).path("finishReason").asText("none"));
    }
    byte[] bytes = pcm.toByteArray();
    return new SpeechAnswer.Audio(request.format() == Format.WAV ? Wav.wrap(bytes, rate, 1, 16) : bytes,
        request.format().contentType());
  }

  private static String input(JsonNode request) {
    JsonNode value = request.get("input");
    if (value == null || value.isNull()) {
      throw new TranslationException("input", "Missing required parameter: 'input'.", ModelName.MISSING);
    }
    if (!value.isTextual()) {
      throw new TranslationException("input", "'input' must be a string");
    }
    String input = value.asText();
    if (input.isBlank()) {
      throw new TranslationException("input", "'input' must not be empty");
    }
    int length = input.codePointCount(0, input.length());
    if (length > MAX_INPUT_CHARS) {
      throw new TranslationException("input", "'input' is " + length + " characters long; the limit is "
          + MAX_INPUT_CHARS, "string_above_max_length");
    }
    return input;
  }

  private static String voice(JsonNode value, String defaultVoice) {
    if (value == null || value.isNull()) {
      return defaultVoice;
    }
    if (!value.isTextual()) {
      throw new TranslationException("voice", "'voice' must be the name of a voice; custom voices ({\"id\": ...})"
          + " are not supported");
    }
    String voice = BY_LOWER_NAME.get(value.asText().strip().toLowerCase(Locale.ROOT));
    if (voice == null) {
      throw new TranslationException("voice", "Unknown voice " + PathSegments.quote(value.asText(), 0, value.asText().length()) + ". Use one of"
          + " OpenAI's voices (" + String.join(", ", OPENAI_VOICES.keySet()) + ") or Gemini's ("
          + String.join(", ", GEMINI_VOICES) + ").", "invalid_value");
    }
    return voice;
  }

  private static Format format(JsonNode request) {
    String format = Json.optString(request, "response_format", "response_format").orElse("wav");
    return switch (format) {
      case "wav" -> Format.WAV;
      case "pcm" -> Format.PCM;
      case "mp3", "opus", "aac", "flac" -> throw new TranslationException("response_format", "response_format '"
          + format + "' is not available: the gateway answers 'wav' (24 kHz mono 16-bit) or 'pcm' (the same"
          + " samples, raw little-endian)", "unsupported_value");
      default -> throw new TranslationException("response_format",
          "response_format must be one of mp3, opus, aac, flac, wav, pcm (this gateway: wav or pcm)", "invalid_value");
    };
  }

  /** How fast to speak, in words, or empty for the model's normal pace. */
  private static String pace(JsonNode request, String configuredSpeed) {
    Optional<JsonNode> speed = Json.optNumber(request, "speed", "speed");
    if (speed.isEmpty()) {
      return switch (configuredSpeed.toLowerCase(Locale.ROOT)) {
        case "slow" -> "slowly";
        case "fast" -> "quickly";
        default -> "";
      };
    }
    double value = speed.get().asDouble();
    if (!(value >= MIN_SPEED && value <= MAX_SPEED)) {
      throw new TranslationException("speed", "'speed' must be between " + MIN_SPEED + " and " + MAX_SPEED,
          "invalid_value");
    }
    if (value <= 0.5) {
      return "very slowly";
    } else if (value < 0.9) {
      return "slowly";
    } else if (value <= 1.1) {
      return "";
    } else if (value < 2.0) {
      return "quickly";
    }
    return "very quickly";
  }

  /**
   * The direction before the text: the client's {@code instructions} (gpt-4o-mini-tts's style
   * prompt) and the pace, ending in a colon; empty when there is neither, so plain requests reach
   * the model as plain text.
   */
  static String direction(String pace, String instructions) {
    if (pace.isEmpty() && instructions.isEmpty()) {
      return "";
    }
    StringBuilder direction = new StringBuilder();
    if (!instructions.isEmpty()) {
      direction.append(instructions);
      if (!instructions.endsWith(".") && !instructions.endsWith("!") && !instructions.endsWith(":")) {
        direction.append('.');
      }
      direction.append(' ');
    }
    if (!pace.isEmpty()) {
      direction.append("Speak ").append(pace).append(". ");
    }
    return direction.append("Say the following text:").toString();
  }

  private static Map<String, String> openAiVoices() {
    Map<String, String> voices = new LinkedHashMap<>();
    voices.put("alloy", "Schedar");   // neutral, even
    voices.put("ash", "Charon");      // informative
    voices.put("ballad", "Algieba");  // smooth
    voices.put("coral", "Achird");    // friendly
    voices.put("echo", "Iapetus");    // clear
    voices.put("fable", "Gacrux");    // mature, a storyteller
    voices.put("onyx", "Algenib");    // deep, gravelly
    voices.put("nova", "Puck");       // upbeat
    voices.put("sage", "Sadaltager"); // knowledgeable
    voices.put("shimmer", "Autonoe"); // bright
    voices.put("verse", "Sadachbia"); // lively
    voices.put("marin", "Despina");   // smooth, natural
    voices.put("cedar", "Sulafat");   // warm
    return Collections.unmodifiableMap(voices);
  }

  private static Map<String, String> byLowerName() {
    Map<String, String> names = new HashMap<>();
    GEMINI_VOICES.forEach(voice -> names.put(voice.toLowerCase(Locale.ROOT), voice));
    names.putAll(OPENAI_VOICES);
    return Map.copyOf(names);
  }
}
