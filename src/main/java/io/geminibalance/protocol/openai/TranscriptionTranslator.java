package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.PathSegments;
import io.geminibalance.protocol.openai.OpenAiErrors.OpenAiError;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * OpenAI {@code POST /audio/transcriptions} (a multipart form, already split into fields and the
 * file) to a Gemini {@code generateContent} request carrying the audio inline with an instruction
 * to transcribe it, and Gemini's text answer back as {@code json} or {@code text}. Pure.
 *
 * <p>Gemini takes inline data up to 20 MB per request; base64 makes audio a third larger, so a
 * file over {@link #MAX_FILE_BYTES} is refused (413) before anything goes upstream, and a form
 * too large to hold a smaller one before it is even parsed.
 */
public final class TranscriptionTranslator {
  /** Gemini's limit on a whole request with inline data. */
  public static final long GEMINI_INLINE_REQUEST_BYTES = 20_000_000;
  /** The largest file whose base64 (4/3 of it) still leaves room for the rest of the request. */
  public static final long MAX_FILE_BYTES = 14L * 1024 * 1024;

  private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?");

  /** The audio types Gemini reads, by the names clients and browsers give them. */
  private static final Map<String, String> MIME_BY_TYPE = Map.ofEntries(
      Map.entry("audio/wav", "audio/wav"), Map.entry("audio/x-wav", "audio/wav"),
      Map.entry("audio/wave", "audio/wav"), Map.entry("audio/vnd.wave", "audio/wav"),
      Map.entry("audio/mp3", "audio/mp3"), Map.entry("audio/mpeg", "audio/mp3"),
      Map.entry("audio/mpga", "audio/mp3"), Map.entry("audio/x-mp3", "audio/mp3"),
      Map.entry("audio/aiff", "audio/aiff"), Map.entry("audio/x-aiff", "audio/aiff"),
      Map.entry("audio/aac", "audio/aac"), Map.entry("audio/x-aac", "audio/aac"),
      Map.entry("audio/ogg", "audio/ogg"), Map.entry("application/ogg", "audio/ogg"),
      Map.entry("audio/flac", "audio/flac"), Map.entry("audio/x-flac", "audio/flac"),
      Map.entry("audio/mp4", "audio/mp4"), Map.entry("audio/m4a", "audio/mp4"),
      Map.entry("audio/x-m4a", "audio/mp4"), Map.entry("video/mp4", "audio/mp4"),
      Map.entry("audio/webm", "audio/webm"), Map.entry("video/webm", "audio/webm"));
  private static final Map<String, String> MIME_BY_EXTENSION = Map.ofEntries(
      Map.entry("wav", "audio/wav"), Map.entry("mp3", "audio/mp3"), Map.entry("mpga", "audio/mp3"),
      Map.entry("mpeg", "audio/mp3"), Map.entry("aiff", "audio/aiff"), Map.entry("aif", "audio/aiff"),
      Map.entry("aac", "audio/aac"), Map.entry("ogg", "audio/ogg"), Map.entry("oga", "audio/ogg"),
      Map.entry("flac", "audio/flac"), Map.entry("m4a", "audio/mp4"), Map.entry("mp4", "audio/mp4"),
      Map.entry("webm", "audio/webm"));

  /**
   * The uploaded file.
   *
   * @param filename the part's file name (may be empty)
   * @param contentType the part's Content-Type (may be empty)
   */
  public record AudioFile(String filename, String contentType, byte[] bytes) {}

  /**
   * The form as sent: its text fields (the first value of each name) and the first part named
   * {@code file}, with or without a file name (null when there was none).
   */
  public record TranscriptionForm(Map<String, String> fields, AudioFile file) {
    public TranscriptionForm {
      fields = Map.copyOf(fields);
    }
  }

  /** What the client gets back. */
  public enum Format {
    JSON, TEXT
  }

  /**
   * A translated request.
   *
   * @param requestedModel {@code model} as sent
   * @param upstreamModel the Gemini model of the upstream path
   */
  public record TranscriptionRequest(String requestedModel, String upstreamModel, Format format, ObjectNode body) {}

  /** What Gemini's answer amounts to. */
  public sealed interface Transcript {
    /** The transcript, and usage in OpenAI's token shape (null when Gemini reported none). */
    record Text(String text, ObjectNode usage) implements Transcript {}

    /** Gemini refused the audio (a safety, recitation or policy filter). */
    record Blocked(String reason) implements Transcript {}
  }

  private TranscriptionTranslator() {}

  /** Room for the form's text fields and part headers beside the file. */
  public static final long MAX_FORM_OVERHEAD_BYTES = 64 * 1024;

  /**
   * A 413 when a whole form is too large to hold a file Gemini takes inline, judged by its length
   * before it is parsed (parsing copies the file); empty otherwise.
   */
  public static Optional<OpenAiError> formTooLarge(long formBytes) {
    return formBytes <= MAX_FILE_BYTES + MAX_FORM_OVERHEAD_BYTES ? Optional.empty()
        : Optional.of(tooLarge("The form is " + formBytes + " bytes"));
  }

  /** A 413 when the file is larger than Gemini takes inline, before it is encoded; empty otherwise. */
  public static Optional<OpenAiError> tooLarge(long fileBytes) {
    return fileBytes <= MAX_FILE_BYTES ? Optional.empty()
        : Optional.of(tooLarge("The audio file is " + fileBytes + " bytes"));
  }

  private static OpenAiError tooLarge(String what) {
    return OpenAiErrors.of(413, what + "; Gemini takes audio inline up to " + GEMINI_INLINE_REQUEST_BYTES
        + " bytes per request, which leaves room for files up to " + MAX_FILE_BYTES + " bytes. Send a shorter"
        + " or more compressed recording.", "file", "file_too_large");
  }

  /** @throws TranslationException naming the field at fault */
  public static TranscriptionRequest toGemini(TranscriptionForm form, AudioOptions options) {
    Map<String, String> fields = form.fields();
    String requested = fields.get("model");
    if (requested == null || requested.isBlank()) {
      throw new TranslationException("model", "Missing required parameter: 'model'.", ModelName.MISSING);
    }
    ModelName.requireWellFormed(requested);
    AudioFile file = form.file();
    if (file == null) {
      throw new TranslationException("file", "Missing required parameter: 'file'.", ModelName.MISSING);
    }
    if (file.bytes().length == 0) {
      throw new TranslationException("file", "'file' is empty");
    }
    String mime = mimeType(file);
    Format format = format(fields.get("response_format"));
    if (isTrue(fields.get("stream"), "stream")) {
      throw new TranslationException("stream", "stream must be false: the gateway answers with the whole"
          + " transcript", "unsupported_value");
    }
    ObjectNode body = Json.object();
    var parts = body.putArray("contents").addObject().put("role", "user").putArray("parts");
    parts.addObject().put("text", instruction(language(fields.get("language")), fields.get("prompt")));
    // A binary node: Jackson writes it as base64 straight into the upstream body, so no base64
    // copy of the audio is held as a string.
    parts.addObject().putObject("inlineData").put("mimeType", mime).put("data", file.bytes());
    Double temperature = temperature(fields.get("temperature"));
    if (temperature != null) {
      body.putObject("generationConfig").put("temperature", temperature);
    }
    return new TranscriptionRequest(requested, options.transcriptionModel(requested), format, body);
  }

  /** Gemini's answer: the text of the first candidate's parts (thoughts left out). */
  public static Transcript fromGemini(JsonNode answer) {
    Optional<String> blocked = FinishReasons.blockReason(answer);
    if (blocked.isPresent()) {
      return new Transcript.Blocked(blocked.get());
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : answer.path("candidates").path(0).path("content").path("parts")) {
      if (!part.path("thought").asBoolean(false) && part.path("text").isTextual()) {
        text.append(part.path("text").asText());
      }
    }
    JsonNode usage = answer.get("usageMetadata");
    ObjectNode tokens = null;
    if (usage != null && usage.isObject()) {
      long input = usage.path("promptTokenCount").asLong(0);
      long output = usage.path("candidatesTokenCount").asLong(0) + usage.path("thoughtsTokenCount").asLong(0);
      tokens = Json.object().put("type", "tokens").put("input_tokens", input).put("output_tokens", output)
          .put("total_tokens", usage.path("totalTokenCount").asLong(input + output));
    }
    return new Transcript.Text(text.toString().strip(), tokens);
  }

  /** The {@code json} answer: {@code {"text": ..., "usage": ...}}. */
  public static ObjectNode toJson(Transcript.Text transcript) {
    ObjectNode out = Json.object().put("text", transcript.text());
    if (transcript.usage() != null) {
      out.set("usage", transcript.usage());
    }
    return out;
  }

  /**
   * The MIME type Gemini gets: the part's type when it names audio Gemini reads, else the file's
   * extension, else the container's signature (SDKs send bytes and streams as
   * {@code application/octet-stream}, often without a usable file name).
   */
  static String mimeType(AudioFile file) {
    String type = file.contentType() == null ? "" : file.contentType().toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    String byType = MIME_BY_TYPE.get((semicolon >= 0 ? type.substring(0, semicolon) : type).strip());
    if (byType != null) {
      return byType;
    }
    String name = file.filename() == null ? "" : file.filename();
    int dot = name.lastIndexOf('.');
    String byExtension = dot < 0 ? null : MIME_BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (byExtension != null) {
      return byExtension;
    }
    String sniffed = sniff(file.bytes());
    if (sniffed != null) {
      return sniffed;
    }
    throw new TranslationException("file", "Unsupported audio file " + PathSegments.quote(name, 0, name.length())
        + (type.isEmpty() ? "" : " of type " + PathSegments.quote(type, 0, type.length()))
        + ": send flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm, aac or aiff", "invalid_value");
  }

  /** The audio container {@code bytes} start with, by its documented signature; null when none matches. */
  static String sniff(byte[] bytes) {
    if (startsWith(bytes, 0, "RIFF") && startsWith(bytes, 8, "WAVE")) {
      return "audio/wav";
    }
    if (startsWith(bytes, 0, "FORM") && (startsWith(bytes, 8, "AIFF") || startsWith(bytes, 8, "AIFC"))) {
      return "audio/aiff";
    }
    if (startsWith(bytes, 0, "fLaC")) {
      return "audio/flac";
    }
    if (startsWith(bytes, 0, "OggS")) {
      return "audio/ogg";
    }
    if (startsWith(bytes, 4, "ftyp")) {
      return "audio/mp4";
    }
    if (bytes.length >= 4 && (bytes[0] & 0xFF) == 0x1A && (bytes[1] & 0xFF) == 0x45 && (bytes[2] & 0xFF) == 0xDF
        && (bytes[3] & 0xFF) == 0xA3) {
      return "audio/webm";
    }
    if (startsWith(bytes, 0, "ID3")) {
      return "audio/mp3";
    }
    if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xE0) == 0xE0) {
      // An MPEG frame header: layer bits 00 are AAC's ADTS, any other layer is MP3.
      return (bytes[1] & 0x06) == 0 ? "audio/aac" : "audio/mp3";
    }
    return null;
  }

  private static boolean startsWith(byte[] bytes, int at, String ascii) {
    if (bytes.length < at + ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (bytes[at + i] != (byte) ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static Format format(String value) {
    if (value == null || value.isEmpty()) {
      return Format.JSON;
    }
    return switch (value) {
      case "json" -> Format.JSON;
      case "text" -> Format.TEXT;
      case "srt", "vtt", "verbose_json", "diarized_json" -> throw new TranslationException("response_format",
          "response_format '" + value + "' is not available: Gemini gives no timestamps; use 'json' or 'text'",
          "unsupported_value");
      default -> throw new TranslationException("response_format",
          "response_format must be one of json, text, srt, verbose_json, vtt (this gateway: json or text)",
          "invalid_value");
    };
  }

  private static boolean isTrue(String value, String field) {
    if (value == null || value.isEmpty() || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw new TranslationException(field, "'" + field + "' must be true or false");
  }

  private static String language(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String language = value.strip();
    if (!LANGUAGE.matcher(language).matches()) {
      throw new TranslationException("language", "'language' must be an ISO-639-1 code such as 'en' or 'zh'",
          "invalid_value");
    }
    return language;
  }

  private static Double temperature(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    double temperature;
    try {
      temperature = Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new TranslationException("temperature", "'temperature' must be a number between 0 and 1");
    }
    if (!(temperature >= 0 && temperature <= 1)) {
      throw new TranslationException("temperature", "'temperature' must be a number between 0 and 1");
    }
    return temperature;
  }

  /**
   * What the model is told besides the audio: transcribe, nothing else; the language when the
   * client named one; the client's {@code prompt} as context that is not to be transcribed.
   */
  static String instruction(String language, String prompt) {
    StringBuilder text = new StringBuilder("Transcribe the speech in this audio verbatim. Answer with the"
        + " transcript only: no introduction, no timestamps, no speaker labels, no comments. If there is no"
        + " speech, answer with nothing.");
    if (language != null) {
      text.append(" The speech is in the language with code '").append(language)
          .append("'; write the transcript in that language.");
    }
    if (prompt != null && !prompt.isBlank()) {
      text.append("\nText that comes before this audio, or words it may contain (use it for spelling and"
          + " style; do not transcribe it):\n").append(prompt.strip());
    }
    return text.toString();
  }
}
