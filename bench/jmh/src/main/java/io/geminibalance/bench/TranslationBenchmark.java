package io.geminibalance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.protocol.openai.ChatRequestTranslator;
import io.geminibalance.protocol.openai.ChatStreamTranslator;
import io.geminibalance.protocol.openai.ResponseContext;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.protocol.openai.TranslatedChatRequest;
import io.geminibalance.protocol.openai.TranslationOptions;
import io.geminibalance.protocol.sse.SseDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hot pure code of the OpenAI surface: one chat request translated to Gemini (parse, map,
 * serialise), and one Gemini SSE event decoded and translated to OpenAI chunks (serialised).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class TranslationBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String REQUEST = "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"temperature\":0.7,"
      + "\"max_tokens\":512,\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
      + "{\"role\":\"user\",\"content\":\"What is the capital of France?\"},"
      + "{\"role\":\"assistant\",\"content\":\"Paris.\"},"
      + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"And of Italy? Answer in one word.\"}]}],"
      + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"description\":\"Look up a fact\","
      + "\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}},\"required\":[\"q\"]}}}]}";

  private static final byte[] EVENT = ("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Rome is the "
      + "capital of Italy, and it has been for a long time.\"}],\"role\":\"model\"},\"index\":0}],"
      + "\"usageMetadata\":{\"promptTokenCount\":31,\"candidatesTokenCount\":12,\"totalTokenCount\":43},"
      + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"abc\"}\r\n\r\n").getBytes(StandardCharsets.UTF_8);

  private ChatRequestTranslator requestTranslator;
  private TranslationOptions options;
  private ChatStreamTranslator streamTranslator;
  private SseDecoder decoder;

  @Setup
  public void setUp() {
    options = TranslationOptions.defaults();
    requestTranslator = new ChatRequestTranslator(options, new ThoughtSignatureCache(10_000, 3_600_000));
    decoder = new SseDecoder();
    streamTranslator = new ChatStreamTranslator(options, new ResponseContext("chatcmpl-bench", 1L,
        "gemini-2.5-flash", () -> "call_x", null, 0L), true);
  }

  /** Client bytes in, upstream bytes out: what the gateway does per OpenAI chat request. */
  @Benchmark
  public byte[] openAiRequestToGemini() throws Exception {
    JsonNode request = JSON.readTree(REQUEST);
    TranslatedChatRequest translated = requestTranslator.translate(request, 0L);
    return JSON.writeValueAsBytes(translated.body());
  }

  /** Upstream SSE bytes in, client SSE bytes out: what the gateway does per streamed event. */
  @Benchmark
  public int geminiEventToOpenAiChunks() throws Exception {
    int bytes = 0;
    for (String payload : decoder.feed(EVENT)) {
      List<com.fasterxml.jackson.databind.node.ObjectNode> chunks = streamTranslator.onEvent(JSON.readTree(payload));
      for (var chunk : chunks) {
        bytes += JSON.writeValueAsBytes(chunk).length;
      }
    }
    return bytes;
  }
}
