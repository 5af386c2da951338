package io.geminibalance.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tap reads Vert.x buffers as the relay gets them, heap or direct (Netty's pooled buffers have
 * no array), in any split, sliced or not, and finds the same usage.
 */
class UsageTapTest {
  private static final String ANSWER = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + "z".repeat(40_000)
      + "\"}]}}],\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":34,"
      + "\"thoughtsTokenCount\":5,\"cachedContentTokenCount\":6},\"modelVersion\":\"m\"}";
  private static final TokenUsage EXPECTED = new TokenUsage(12, 6, 34, 5, null, null);

  @Test
  void heapDirectAndSlicedChunksGiveTheSameUsage() {
    byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      UsageTap tap = UsageTap.gemini();
      int at = 0;
      while (at < body.length) {
        int n = Math.min(body.length - at, 1 + random.nextInt(20_000));
        tap.add(chunk(body, at, n, random.nextInt(3)));
        at += n;
      }
      assertThat(tap.usage()).isEqualTo(EXPECTED);
    }
    assertThat(UsageTap.of(Buffer.buffer(body))).isEqualTo(EXPECTED);
  }

  private static Buffer chunk(byte[] body, int at, int n, int kind) {
    return switch (kind) {
      case 0 -> Buffer.buffer().appendBytes(body, at, n);
      case 1 -> {
        ByteBuf direct = Unpooled.directBuffer(n);
        direct.writeBytes(body, at, n);
        yield BufferInternal.buffer(direct);
      }
      default -> Buffer.buffer().appendBytes(body, Math.max(0, at - 3), n + Math.min(3, at)).slice(Math.min(3, at),
          Math.min(3, at) + n);
    };
  }
}
