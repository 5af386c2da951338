package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The usage of a relayed answer, read from its last bytes: a unary body, an SSE stream and a JSON
 * array stream, fed in any split, give the last complete usage object Google wrote; a stream cut
 * anywhere gives the last one complete before the cut.
 */
class UsageTailTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One chunk's usage as Google writes it, and what it means. */
  private record Reported(String json, TokenUsage usage) {
    static Reported of(int prompt, int candidates, int thoughts, int cached, int tool, int image, int audio) {
      String json = "{\"promptTokenCount\": " + prompt + ", \"candidatesTokenCount\": " + candidates
          + ", \"totalTokenCount\": " + (prompt + candidates + thoughts + tool)
          + ", \"cachedContentTokenCount\": " + cached + ", \"toolUsePromptTokenCount\": " + tool
          + ", \"promptTokensDetails\": [{\"modality\": \"TEXT\", \"tokenCount\": " + (prompt - image - audio)
          + "}, {\"modality\": \"IMAGE\", \"tokenCount\": " + image + "}, {\"modality\": \"AUDIO\", \"tokenCount\": "
          + audio + "}], \"thoughtsTokenCount\": " + thoughts + "}";
      return new Reported(json, new TokenUsage(prompt + tool, cached, candidates, thoughts, image, audio));
    }
  }

  /** A chunk of an answer with {@code text} (escaped as JSON) and then its usage. */
  private static String chunk(String text, Reported usage) throws Exception {
    return "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": " + JSON.writeValueAsString(text)
        + "}], \"role\": \"model\"}, \"index\": 0}], \"usageMetadata\": " + usage.json()
        + ", \"modelVersion\": \"gemini-2.5-flash\", \"responseId\": \"abc\"}";
  }

  private static TokenUsage read(byte[] body, int capacity, Random split) {
    UsageTail tail = UsageTail.gemini(capacity);
    int at = 0;
    while (at < body.length) {
      int n = Math.min(body.length - at, 1 + split.nextInt(Math.max(1, body.length / 3)));
      tail.add(body, at, n);
      at += n;
    }
    return tail.usage();
  }

  @Test
  void aUnaryAnswerGivesItsUsage() throws Exception {
    Reported reported = Reported.of(120, 30, 7, 40, 5, 10, 3);
    byte[] body = chunk("hello", reported).getBytes(StandardCharsets.UTF_8);
    assertThat(read(body, UsageTail.DEFAULT_BYTES, new Random(1))).isEqualTo(reported.usage());
    assertThat(TokenUsage.fromAnswer(JSON.readTree(body))).isEqualTo(reported.usage());
  }

  @Test
  void aBodyWithoutUsageGivesNone() throws Exception {
    byte[] body = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}]}}]}".getBytes(StandardCharsets.UTF_8);
    assertThat(read(body, 1024, new Random(2))).isEqualTo(TokenUsage.NONE);
    assertThat(UsageTail.gemini().usage()).isEqualTo(TokenUsage.NONE);
  }

  /** Model text that spells out the key (escaped in JSON) is not usage. */
  @Test
  void modelTextThatSpellsTheKeyIsNotRead() throws Exception {
    String text = "\"usageMetadata\": {\"promptTokenCount\": 999999}";
    String body = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": " + JSON.writeValueAsString(text)
        + "}]}}]}";
    assertThat(read(body.getBytes(StandardCharsets.UTF_8), 1024, new Random(3))).isEqualTo(TokenUsage.NONE);
    // And after the real usage it does not mask it.
    Reported reported = Reported.of(9, 8, 0, 0, 0, 0, 0);
    String both = chunk(text, reported);
    assertThat(read(both.getBytes(StandardCharsets.UTF_8), 1024, new Random(4))).isEqualTo(reported.usage());
  }

  /** Far more bytes than are kept, some in one chunk larger than the ring: the usage at the end is found. */
  @Test
  void aLargeAnswerKeepsOnlyItsTail() throws Exception {
    Reported reported = Reported.of(1, 2, 3, 0, 0, 0, 0);
    byte[] body = chunk("y".repeat(200_000), reported).getBytes(StandardCharsets.UTF_8);
    UsageTail tail = UsageTail.gemini(4096);
    tail.add(body, 0, 150_000);
    tail.add(body, 150_000, body.length - 150_000);
    assertThat(tail.usage()).isEqualTo(reported.usage());
    assertThat(read(body, 4096, new Random(5))).isEqualTo(reported.usage());
  }

  /**
   * An SSE stream whose events each carry the counts so far, split anywhere: the whole stream
   * gives the last event's usage; every prefix gives the usage of the last event whose usage
   * object it holds whole (none before the first) among the bytes kept.
   */
  @Property(tries = 200)
  void anSseStreamGivesTheLastCompleteUsageAtEveryCut(@ForAll @IntRange(min = 1, max = 6) int events,
      @ForAll long seed, @ForAll boolean crlf) throws Exception {
    Random random = new Random(seed);
    StringBuilder stream = new StringBuilder();
    List<Integer> usageEnds = new ArrayList<>();
    List<TokenUsage> usages = new ArrayList<>();
    int prompt = 1 + random.nextInt(5000);
    int candidates = 0;
    int thoughts = 0;
    String eol = crlf ? "\r\n" : "\n";
    for (int i = 0; i < events; i++) {
      candidates += random.nextInt(300);
      thoughts += random.nextInt(100);
      Reported reported = Reported.of(prompt, candidates, thoughts, random.nextInt(prompt), random.nextInt(50),
          0, 0);
      String text = random.nextBoolean() ? "part " + i + " {\"usageMetadata\": [}" : "é€" + "z".repeat(random.nextInt(3000));
      String chunk = chunk(text, reported);
      int usageEnd = chunk.indexOf(reported.json()) + reported.json().length();
      stream.append("data: ");
      usageEnds.add(stream.toString().getBytes(StandardCharsets.UTF_8).length
          + chunk.substring(0, usageEnd).getBytes(StandardCharsets.UTF_8).length);
      usages.add(reported.usage());
      stream.append(chunk).append(eol).append(eol);
    }
    byte[] body = stream.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(read(body, UsageTail.DEFAULT_BYTES, random)).isEqualTo(usages.get(events - 1));
    for (int t = 0; t < 5; t++) {
      int cut = random.nextInt(body.length + 1);
      TokenUsage expected = TokenUsage.NONE;
      for (int i = 0; i < events; i++) {
        if (usageEnds.get(i) <= cut) {
          expected = usages.get(i);
        }
      }
      // A tail long enough for an event's text: with DEFAULT_BYTES, a cut more than that past the
      // last usage object finds none (the row then says "not known"), which the default trades
      // for memory held per stream.
      assertThat(read(java.util.Arrays.copyOf(body, cut), 16 * 1024, random))
          .as("cut at %d of %d", cut, body.length).isEqualTo(expected);
    }
  }

  /** The non-SSE stream: a JSON array of the chunks, spread over lines as Google writes it. */
  @Property(tries = 100)
  void aJsonArrayStreamGivesTheLastUsage(@ForAll @IntRange(min = 1, max = 5) int events, @ForAll long seed)
      throws Exception {
    Random random = new Random(seed);
    List<String> chunks = new ArrayList<>();
    TokenUsage last = null;
    for (int i = 0; i < events; i++) {
      Reported reported = Reported.of(10 + i, 5 * i, i, 0, 0, 0, random.nextInt(3));
      chunks.add(chunk("t" + i, reported).replace(", ", ",\n  "));
      last = reported.usage();
    }
    byte[] body = ("[" + String.join(",\r\n", chunks) + "]").getBytes(StandardCharsets.UTF_8);
    assertThat(read(body, UsageTail.DEFAULT_BYTES, random)).isEqualTo(last);
  }

  /** A fake usage object as the model may write it in a function call's arguments. */
  private static final String FAKE = "{\"promptTokenCount\": 1, \"candidatesTokenCount\": 1, \"totalTokenCount\": 2}";

  /** A chunk whose model part is a function call with {@code args} (JSON, any shape), then its usage. */
  private static String callChunk(String args, Reported usage) {
    return "{\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"f\", \"args\": " + args
        + "}}], \"role\": \"model\"}, \"index\": 0}], \"usageMetadata\": " + usage.json()
        + ", \"modelVersion\": \"gemini-2.5-flash\"}";
  }

  /** The bytes of {@code text} up to and including the first occurrence of {@code upTo}. */
  private static byte[] cutAfter(String text, String upTo) {
    return text.substring(0, text.indexOf(upTo) + upTo.length()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A stream cut inside an event, after a function call's arguments that hold an object keyed
   * {@code usageMetadata}: the model's object is not usage; the last event's usage before it is.
   */
  @Test
  void aUsageKeyInFunctionArgumentsIsNotUsageWhenTheStreamIsCut() throws Exception {
    Reported first = Reported.of(50, 10, 0, 0, 0, 0, 0);
    String args = "{\"usageMetadata\": " + FAKE + ", \"more\": [1, 2]}";
    String sse = "data: " + chunk("a", first) + "\r\n\r\ndata: " + callChunk(args, Reported.of(50, 20, 0, 0, 0, 0, 0))
        + "\r\n\r\n";
    assertThat(read(cutAfter(sse, FAKE), 4096, new Random(11))).isEqualTo(first.usage());
    assertThat(read(cutAfter(sse, "\"more\""), 4096, new Random(12))).isEqualTo(first.usage());

    // A JSON-array stream: the previous element's usage.
    String array = "[" + chunk("a", first).replace(", ", ",\n  ") + "\n,\r\n"
        + callChunk(args, Reported.of(50, 20, 0, 0, 0, 0, 0)).replace(", ", ",\n  ") + "\n]";
    assertThat(read(cutAfter(array, FAKE.replace(", ", ",\n  ")), 4096, new Random(13))).isEqualTo(first.usage());

    // A unary body cut there: none (the arguments are deep in it, however they nest).
    String unary = callChunk("{\"a\": [{\"usageMetadata\": " + FAKE + "}]}", first);
    assertThat(read(cutAfter(unary, FAKE + "}]"), 4096, new Random(14))).isEqualTo(TokenUsage.NONE);
    // Whole, each gives Google's usage after the arguments.
    assertThat(read(sse.getBytes(StandardCharsets.UTF_8), 4096, new Random(15)))
        .isEqualTo(Reported.of(50, 20, 0, 0, 0, 0, 0).usage());
    assertThat(read(unary.getBytes(StandardCharsets.UTF_8), 4096, new Random(16))).isEqualTo(first.usage());
  }

  /** Random JSON of the model's, holding {@code usageMetadata} objects at any depth. */
  private static String hostileArgs(Random random, int depth) {
    int kind = depth > 4 ? random.nextInt(3) : random.nextInt(6);
    return switch (kind) {
      case 0 -> String.valueOf(random.nextInt(100));
      case 1 -> "\"s\\\"{\\\"usageMetadata\\\": " + random.nextInt(9) + "\"";
      case 2 -> FAKE;
      case 3 -> "[" + hostileArgs(random, depth + 1) + ", " + hostileArgs(random, depth + 1) + "]";
      default -> "{\"usageMetadata\": " + (random.nextBoolean() ? FAKE : hostileArgs(random, depth + 1))
          + ", \"k\": " + hostileArgs(random, depth + 1) + "}";
    };
  }

  /**
   * Streams (SSE or a JSON array) and unary bodies whose events hold function calls with hostile
   * arguments, cut anywhere: the usage read is always Google's last complete top-level object
   * before the cut, never the model's; and the parse reads at most one usage object.
   */
  @Property(tries = 300)
  void usageKeysBelowTheTopLevelAreNeverRead(@ForAll @IntRange(min = 1, max = 5) int events,
      @ForAll @IntRange(min = 0, max = 2) int shape, @ForAll long seed) throws Exception {
    Random random = new Random(seed);
    boolean unary = shape == 2;
    int count = unary ? 1 : events;
    StringBuilder body = new StringBuilder(shape == 1 ? "[" : "");
    List<Integer> usageEnds = new ArrayList<>();
    List<TokenUsage> usages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Reported reported = Reported.of(100 + i, 10 * (i + 1), i, 0, 0, 0, 0);
      String event = callChunk(hostileArgs(random, 0), reported);
      if (shape == 1) {
        event = event.replace(", ", ",\n  ");
      }
      String prefix = switch (shape) {
        case 0 -> "data: ";
        case 1 -> i == 0 ? "" : "\n,\r\n";
        default -> "";
      };
      body.append(prefix);
      String json = shape == 1 ? reported.json().replace(", ", ",\n  ") : reported.json();
      int usageAt = event.lastIndexOf("\"usageMetadata\": " + json) + "\"usageMetadata\": ".length() + json.length();
      usageEnds.add(body.length() + usageAt);
      usages.add(reported.usage());
      body.append(event).append(shape == 0 ? "\n\n" : "");
    }
    body.append(shape == 1 ? "\n]" : "");
    byte[] bytes = body.toString().getBytes(StandardCharsets.US_ASCII);
    for (int t = 0; t < 8; t++) {
      int cut = t == 0 ? bytes.length : random.nextInt(bytes.length + 1);
      TokenUsage expected = TokenUsage.NONE;
      for (int i = 0; i < count; i++) {
        if (usageEnds.get(i) <= cut) {
          expected = usages.get(i);
        }
      }
      UsageTail tail = UsageTail.gemini(64 * 1024);
      int at = 0;
      while (at < cut) {
        int n = Math.min(cut - at, 1 + random.nextInt(64));
        tail.add(bytes, at, n);
        at += n;
      }
      assertThat(tail.usage()).as("cut at %d of %d", cut, bytes.length).isEqualTo(expected);
      assertThat(tail.searchedBytes()).isLessThanOrEqualTo(1024);
    }
  }

  /**
   * Text full of quotes and backslashes (escaped as JSON), runs of plain bytes of every length
   * around them (the scanner skips a string's plain bytes eight at a time), and the key spelled
   * out in it, in SSE events fed in any split through a ring that wraps: the usage read is always
   * the last event's top-level one.
   */
  @Property(tries = 300)
  void quotesAndBackslashesAtAnyOffsetInTextNeverHideOrFakeTheUsage(@ForAll @IntRange(min = 1, max = 4) int events,
      @ForAll long seed) throws Exception {
    Random random = new Random(seed);
    String[] pieces = {"\"", "\\", "\\\"", "\"usageMetadata\": {\"promptTokenCount\": 999}", "\u00e9", "\n"};
    StringBuilder body = new StringBuilder();
    Reported last = null;
    for (int e = 0; e < events; e++) {
      StringBuilder text = new StringBuilder();
      int parts = random.nextInt(40);
      for (int p = 0; p < parts; p++) {
        text.append("x".repeat(random.nextInt(20)));
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      last = Reported.of(50 + e, 5 + e, 0, 0, 0, 0, 0);
      body.append("data: ").append(chunk(text.toString(), last)).append("\r\n\r\n");
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(read(bytes, 512 + random.nextInt(UsageTail.DEFAULT_BYTES), random)).isEqualTo(last.usage());
  }

  @Test
  void openAiCompatUsageIsMappedWhicheverWayReasoningIsCounted() {
    byte[] google = ("{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":{\"completion_tokens\":20,"
        + "\"prompt_tokens\":100,\"total_tokens\":150,\"completion_tokens_details\":{\"reasoning_tokens\":30},"
        + "\"prompt_tokens_details\":{\"cached_tokens\":40}}}").getBytes(StandardCharsets.UTF_8);
    UsageTail tail = UsageTail.openAiCompat();
    tail.add(google, 0, google.length);
    assertThat(tail.usage()).isEqualTo(new TokenUsage(100, 40, 20, 30, null, null));

    byte[] openAi = ("data: {\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":50,\"total_tokens\":150,"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":30}}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
    UsageTail other = UsageTail.openAiCompat();
    other.add(openAi, 0, openAi.length);
    assertThat(other.usage()).isEqualTo(new TokenUsage(100, null, 20, 30, null, null));

    byte[] plain = "{\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}".getBytes(StandardCharsets.UTF_8);
    UsageTail embeddings = UsageTail.openAiCompat();
    embeddings.add(plain, 0, plain.length);
    assertThat(embeddings.usage()).isEqualTo(new TokenUsage(7, null, null, null, null, null));
  }

  /** Counts near the int limit (a hostile or broken upstream) saturate: no sum wraps to a negative count. */
  @Test
  void countsThatWouldOverflowSaturate() throws Exception {
    int max = Integer.MAX_VALUE;
    TokenUsage gemini = TokenUsage.fromUsageMetadata(JSON.readTree("{\"promptTokenCount\": " + max
        + ", \"toolUsePromptTokenCount\": 5, \"candidatesTokenCount\": " + max + ", \"thoughtsTokenCount\": " + max
        + ", \"promptTokensDetails\": [{\"modality\": \"IMAGE\", \"tokenCount\": " + max
        + "}, {\"modality\": \"AUDIO\", \"tokenCount\": " + max + "}], \"candidatesTokensDetails\": "
        + "[{\"modality\": \"IMAGE\", \"tokenCount\": 9}, {\"modality\": \"AUDIO\", \"tokenCount\": 9}]}"));
    assertThat(gemini).isEqualTo(new TokenUsage(max, null, max, max, max, max));
    assertThat(gemini.completion()).isEqualTo(max);
    assertThat(gemini.total()).isEqualTo(3L * max);

    TokenUsage openAi = TokenUsage.fromOpenAiUsage(JSON.readTree("{\"prompt_tokens\": 1, \"completion_tokens\": " + max
        + ", \"prompt_tokens_details\": {\"audio_tokens\": " + max + "}, \"completion_tokens_details\": "
        + "{\"audio_tokens\": 3}}"));
    assertThat(openAi.audio()).isEqualTo(max);
    assertThat(openAi.output()).isEqualTo(max);
  }

  /**
   * Bytes that open usage objects over and over and never close them (a hostile upstream): the
   * scanner reads each byte once, the parser reads nothing, and nothing is found.
   */
  @Test
  void unclosedUsageObjectsCostOneReadOfTheTail() {
    byte[] body = "\"usageMetadata\": {".repeat(2_000).getBytes(StandardCharsets.UTF_8);
    UsageTail tail = UsageTail.gemini();
    tail.add(body, 0, body.length);
    assertThat(tail.usage()).isEqualTo(TokenUsage.NONE);
    assertThat(tail.searchedBytes()).isLessThanOrEqualTo(2L * UsageTail.DEFAULT_BYTES);

    // Nested and each cut or not JSON: the same bound.
    byte[] nested = ("\"usageMetadata\": {\"a\" 1, ".repeat(600) + "}".repeat(600)).getBytes(StandardCharsets.UTF_8);
    UsageTail other = UsageTail.gemini();
    other.add(nested, 0, nested.length);
    assertThat(other.usage()).isEqualTo(TokenUsage.NONE);
    assertThat(other.searchedBytes()).isLessThanOrEqualTo(2L * UsageTail.DEFAULT_BYTES);
  }
}
