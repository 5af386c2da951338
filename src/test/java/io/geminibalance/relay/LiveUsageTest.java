package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Live usage meter on the frames Google sends: only frames holding the key's bytes are parsed,
 * only a top-level {@code usageMetadata} counts, each one is a turn (summed, saturating), and a
 * message in fragments is read across them.
 */
class LiveUsageTest {
  private final List<TokenUsage> turns = new ArrayList<>();
  private final LiveUsage meter = new LiveUsage(turns::add);

  @Test
  void framesWithoutTheKeyAreNeverParsed() {
    String audio = "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm\","
        + "\"data\":\"" + "QUJD".repeat(50_000) + "\"}}]}}}";
    meter.serverFrame(WebSocketFrame.textFrame("{\"setupComplete\":{}}", true));
    meter.serverFrame(WebSocketFrame.textFrame(audio, true));
    meter.serverFrame(WebSocketFrame.binaryFrame(Buffer.buffer(audio), true));
    meter.serverFrame(WebSocketFrame.textFrame("{\"serverContent\":{\"turnComplete\":true},\"usage\":{}}", true));
    meter.serverFrame(WebSocketFrame.textFrame("not json at all, usageMetadata without its quotes", true));
    assertThat(meter.parsedFrames()).isZero();
    assertThat(turns).isEmpty();
    assertThat(meter.sum()).isEqualTo(TokenUsage.NONE);
  }

  @Test
  void eachTopLevelUsageIsOneTurnSummedForTheSession() {
    meter.serverFrame(WebSocketFrame.textFrame("{\"serverContent\":{\"turnComplete\":true},\"usageMetadata\":"
        + "{\"promptTokenCount\":400,\"cachedContentTokenCount\":100,\"responseTokenCount\":300,"
        + "\"totalTokenCount\":700,\"promptTokensDetails\":[{\"modality\":\"AUDIO\",\"tokenCount\":250}],"
        + "\"responseTokensDetails\":[{\"modality\":\"AUDIO\",\"tokenCount\":300}]}}", true));
    // Binary frames carry JSON too; tool-use prompt tokens are prompt, thoughts are output.
    meter.serverFrame(WebSocketFrame.binaryFrame(Buffer.buffer("{\"usageMetadata\":{\"promptTokenCount\":500,"
        + "\"toolUsePromptTokenCount\":20,\"responseTokenCount\":100,\"thoughtsTokenCount\":50}}"), true));
    assertThat(turns).containsExactly(new TokenUsage(400, 100, 300, null, null, 550),
        new TokenUsage(520, null, 100, 50, null, null));
    assertThat(meter.sum()).isEqualTo(new TokenUsage(920, 100, 400, 50, null, 550));
    assertThat(meter.parsedFrames()).isEqualTo(2);
  }

  /** The model's own JSON (a tool call's args) may hold the key: parsed, but not usage. */
  @Test
  void aUsageKeyBelowTheTopLevelIsNotUsage() {
    meter.serverFrame(WebSocketFrame.textFrame("{\"toolCall\":{\"functionCalls\":[{\"name\":\"f\",\"args\":"
        + "{\"usageMetadata\":{\"promptTokenCount\":1}}}]}}", true));
    meter.serverFrame(WebSocketFrame.textFrame("{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"text\":"
        + "\"\\\"usageMetadata\\\": {}\"}]}}}", true));
    assertThat(turns).isEmpty();
    assertThat(meter.sum()).isEqualTo(TokenUsage.NONE);
  }

  /** Counts beyond an int (a hostile or broken upstream) saturate, per turn and in the sum. */
  @Test
  void hostileCountsSaturate() {
    String huge = "{\"usageMetadata\":{\"promptTokenCount\":99999999999999999999999999,"
        + "\"responseTokenCount\":" + Integer.MAX_VALUE + ",\"thoughtsTokenCount\":-5,"
        + "\"cachedContentTokenCount\":1.5}}";
    meter.serverFrame(WebSocketFrame.textFrame(huge, true));
    meter.serverFrame(WebSocketFrame.textFrame(huge, true));
    int max = Integer.MAX_VALUE;
    assertThat(turns).containsOnly(new TokenUsage(max, null, max, null, null, null));
    assertThat(meter.sum()).isEqualTo(new TokenUsage(max, null, max, null, null, null));
    assertThat(meter.sum().total()).isEqualTo(2L * max);
  }

  /** A message in fragments, the key cut between two of them, is read whole. */
  @Test
  void aFragmentedMessageIsReadAcrossItsFragments() {
    meter.serverFrame(WebSocketFrame.textFrame("{\"serverContent\":{\"turnComplete\":true},\"usage", false));
    meter.serverFrame(WebSocketFrame.continuationFrame(Buffer.buffer("Metadata\":{\"promptTokenCount\":7,"), false));
    meter.serverFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"responseTokenCount\":3}}"), true));
    assertThat(turns).containsExactly(new TokenUsage(7, null, 3, null, null, null));
  }

  @Test
  void afterTheSessionEndedNothingIsCounted() {
    meter.stop();
    meter.serverFrame(WebSocketFrame.textFrame("{\"usageMetadata\":{\"promptTokenCount\":7}}", true));
    assertThat(turns).isEmpty();
    assertThat(meter.parsedFrames()).isZero();
  }
}
