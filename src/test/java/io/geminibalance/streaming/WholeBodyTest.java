package io.geminibalance.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class WholeBodyTest {

  @Test
  void aBodyInOneChunkIsThatChunkUncopied() {
    WholeBody whole = new WholeBody(5);
    Buffer chunk = Buffer.buffer("hello");
    whole.add(chunk);
    assertThat(whole.body()).isSameAs(chunk);
  }

  @Test
  void chunksAreJoinedInOrder() {
    WholeBody whole = new WholeBody(11);
    whole.add(Buffer.buffer("hel"));
    whole.add(Buffer.buffer("lo "));
    whole.add(Buffer.buffer("world"));
    assertThat(whole.body().toString()).isEqualTo("hello world");
  }

  @Test
  void moreThanDeclaredIsStillKept() {
    WholeBody whole = new WholeBody(2);
    whole.add(Buffer.buffer("abc"));
    whole.add(Buffer.buffer("def"));
    assertThat(whole.body().toString()).isEqualTo("abcdef");
  }

  @Test
  void nothingArrivedIsAnEmptyBody() {
    assertThat(new WholeBody(0).body().length()).isZero();
  }
}
