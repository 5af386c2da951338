package io.geminibalance.protocol.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A WAV file (RIFF, PCM format 1) around raw little-endian PCM samples: the 44-byte canonical
 * header, then the samples as they are. Pure; no encoder, since WAV only describes the samples.
 */
public final class Wav {
  /** The size of the canonical header. */
  public static final int HEADER_BYTES = 44;

  private Wav() {}

  /**
   * {@code pcm} as a WAV file.
   *
   * @param sampleRate samples per second per channel (Gemini TTS: 24000)
   * @param channels 1 for mono
   * @param bitsPerSample 16 for Gemini's {@code audio/L16}
   * @throws IllegalArgumentException when the file would exceed the 4 GiB RIFF sizes can describe
   */
  public static byte[] wrap(byte[] pcm, int sampleRate, int channels, int bitsPerSample) {
    long riffSize = 36L + pcm.length;
    if (riffSize > 0xFFFF_FFFFL || pcm.length > Integer.MAX_VALUE - HEADER_BYTES) {
      throw new IllegalArgumentException("audio too long for a WAV file: " + pcm.length + " bytes");
    }
    int blockAlign = channels * bitsPerSample / 8;
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {'R', 'I', 'F', 'F'}).putInt((int) riffSize).put(new byte[] {'W', 'A', 'V', 'E'});
    out.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort((short) channels)
        .putInt(sampleRate).putInt(sampleRate * blockAlign).putShort((short) blockAlign)
        .putShort((short) bitsPerSample);
    out.put(new byte[] {'d', 'a', 't', 'a'}).putInt(pcm.length).put(pcm);
    return out.array();
  }
}
