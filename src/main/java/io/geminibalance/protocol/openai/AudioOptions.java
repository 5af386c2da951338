package io.geminibalance.protocol.openai;

import io.geminibalance.protocol.gemini.ModelAliases;
import java.util.Objects;
import java.util.Set;

/**
 * The settings the audio translators read (built by the relay from the catalogue).
 *
 * @param ttsModel TTS_MODEL: what OpenAI's speech models ({@code tts-1}, ...) stand for
 * @param ttsVoice TTS_VOICE_NAME: the Gemini voice of a request without {@code voice}
 * @param ttsSpeed TTS_SPEED: {@code slow}, {@code normal} or {@code fast}, for a request without {@code speed}
 * @param transcriptionModel TRANSCRIPTION_MODEL: what {@code whisper-1} and the like stand for
 * @param aliases MODEL_ALIASES, applied to {@code model} before the OpenAI names are mapped
 */
public record AudioOptions(String ttsModel, String ttsVoice, String ttsSpeed, String transcriptionModel,
    ModelAliases aliases) {

  public AudioOptions {
    Objects.requireNonNull(ttsModel, "ttsModel");
    Objects.requireNonNull(ttsVoice, "ttsVoice");
    Objects.requireNonNull(ttsSpeed, "ttsSpeed");
    Objects.requireNonNull(transcriptionModel, "transcriptionModel");
    Objects.requireNonNull(aliases, "aliases");
  }

  /** The catalogue's defaults, no aliases (tests). */
  public static AudioOptions defaults() {
    return new AudioOptions("gemini-2.5-flash-preview-tts", "Zephyr", "normal", "gemini-2.5-flash",
        ModelAliases.NONE);
  }

  /** OpenAI's speech models, which stand for TTS_MODEL. */
  public static final Set<String> OPENAI_SPEECH_MODELS =
      Set.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts", "gpt-4o-mini-tts-2025-12-15");
  /** OpenAI's transcription models, which stand for TRANSCRIPTION_MODEL. */
  public static final Set<String> OPENAI_TRANSCRIPTION_MODELS =
      Set.of("whisper-1", "gpt-transcribe", "gpt-4o-transcribe", "gpt-4o-mini-transcribe",
          "gpt-4o-mini-transcribe-2025-12-15", "gpt-4o-transcribe-diarize");

  /**
   * The Gemini model a speech request's {@code model} (well formed, as sent) goes to: its alias's
   * target first, then an OpenAI speech model is TTS_MODEL, any other id is used as it is.
   */
  public String speechModel(String requested) {
    return upstream(requested, OPENAI_SPEECH_MODELS, ttsModel);
  }

  /** As {@link #speechModel}, for transcriptions: OpenAI's models are TRANSCRIPTION_MODEL. */
  public String transcriptionModel(String requested) {
    return upstream(requested, OPENAI_TRANSCRIPTION_MODELS, transcriptionModel);
  }

  private String upstream(String requested, Set<String> openAiModels, String configured) {
    String model = ModelName.stripPrefix(aliases.resolve(requested));
    return openAiModels.contains(model) ? configured : model;
  }
}
