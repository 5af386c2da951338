package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

class WavTest {

  @Test
  void headerIsTheCanonicalPcmHeader() {
    byte[] wav = Wav.wrap(new byte[] {1, 2, 3, 4}, 24_000, 1, 16);
    assertThat(new String(wav, 0, 4)).isEqualTo("RIFF");
    assertThat(new String(wav, 8, 8)).isEqualTo("WAVEfmt ");
    assertThat(new String(wav, 36, 4)).isEqualTo("data");
    // RIFF size 36 + 4, little-endian; byte rate 48,000; block align 2
    assertThat(Arrays.copyOfRange(wav, 4, 8)).containsExactly(40, 0, 0, 0);
    assertThat(Arrays.copyOfRange(wav, 28, 32)).containsExactly(0x80, 0xBB, 0, 0);
    assertThat(Arrays.copyOfRange(wav, 32, 34)).containsExactly(2, 0);
    assertThat(Arrays.copyOfRange(wav, 44, 48)).containsExactly(1, 2, 3, 4);
  }

  /** The JDK's own WAV reader, a second opinion on the header. */
  @Test
  void theJdksAudioReaderReadsItAs24KhzMono16Bit() throws Exception {
    byte[] samples = new byte[480];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (byte) i;
    }
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(Wav.wrap(samples, 24_000, 1, 16)))) {
      AudioFormat format = in.getFormat();
      assertThat(format.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
      assertThat(format.getSampleRate()).isEqualTo(24_000f);
      assertThat(format.getChannels()).isEqualTo(1);
      assertThat(format.getSampleSizeInBits()).isEqualTo(16);
      assertThat(format.isBigEndian()).isFalse();
      assertThat(in.getFrameLength()).isEqualTo(240);
      assertThat(in.readAllBytes()).isEqualTo(samples);
    }
  }

  @Test
  void emptyAudioIsAValidEmptyFile() {
    assertThat(Wav.wrap(new byte[0], 24_000, 1, 16)).hasSize(Wav.HEADER_BYTES);
  }
}
