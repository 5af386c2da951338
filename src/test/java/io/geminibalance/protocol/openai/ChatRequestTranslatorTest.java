package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.protocol.gemini.FunctionSchemas;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatRequestTranslatorTest {

  private static final TranslationOptions OPTIONS = Fixtures.options(null);

  private static TranslatedChatRequest translate(String json) {
    return new ChatRequestTranslator(OPTIONS, null).translate(Fixtures.json(json), 0);
  }

  private static void assertRejected(String json, String param, String messagePart) {
    assertThatThrownBy(() -> translate(json))
        .isInstanceOfSatisfying(TranslationException.class, e -> {
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.getMessage()).contains(messagePart);
        });
  }

  @Test
  void rejectsMissingModelAndMessages() {
    assertRejected("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "model", "required");
    assertRejected("{\"model\":\"gemini-2.0-flash\"}", "messages", "non-empty");
    assertRejected("{\"model\":\"gemini-2.0-flash\",\"messages\":[]}", "messages", "non-empty");
    assertRejected("{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}",
        "messages", "at least one");
    assertThatThrownBy(() -> new ChatRequestTranslator(OPTIONS, null).translate(Fixtures.json("[1]"), 0))
        .isInstanceOf(TranslationException.class);
  }

  @Test
  void rejectsMalformedModelNamesNamingTheField() {
    for (String model : new String[] {"gemini?x", "gemini#x", "../files", "models/a/b", "gemini 2.5", " gemini-2.5-flash",
        "g\u00e9mini", "gemini\\r\\nx", "gemini%2Fx", "-search"}) {
      assertRejected("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
          "model", "Invalid model name: '");
    }
    String huge = "a".repeat(200_000);
    assertThatThrownBy(() -> translate("{\"model\":\"" + huge + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
        .isInstanceOfSatisfying(TranslationException.class, e -> {
          assertThat(e.param()).isEqualTo("model");
          assertThat(e.getMessage()).contains("(200000 characters) is longer than 128 characters").hasSizeLessThan(250);
        });
  }

  @Test
  void wellFormedModelsWithVirtualSuffixesStillTranslate() {
    String user = ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    assertThat(translate("{\"model\":\"models/gemini-2.5-flash-search\"" + user).upstreamModel()).isEqualTo("gemini-2.5-flash");
    assertThat(translate("{\"model\":\"gemini-2.5-pro-non-thinking\"" + user).upstreamModel()).isEqualTo("gemini-2.5-pro");
    assertThat(translate("{\"model\":\"gemini-2.5-flash-preview-05-20\"" + user).upstreamModel())
        .isEqualTo("gemini-2.5-flash-preview-05-20");
  }

  @Test
  void rejectsBadToolArgumentsAndUnknownToolCallIds() {
    String call = "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"f\",\"arguments\":%s}}]}";
    String base = "{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},%s]}";
    assertRejected(base.formatted(call.formatted("\"{not json\"")),
        "messages[1].tool_calls[0].function.arguments", "not valid JSON");
    assertRejected(base.formatted(call.formatted("\"[1,2]\"")),
        "messages[1].tool_calls[0].function.arguments", "JSON object");
    assertRejected(base.formatted(call.formatted("\"{}\"") + ",{\"role\":\"tool\",\"tool_call_id\":\"zzz\",\"content\":\"r\"}"),
        "messages[2].tool_call_id", "zzz");
  }

  @Test
  void toolSchemasAreCleanedForGeminiAndAnUnrepairableOneNamesItsPlace() {
    String base = "{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":%s}}]}";
    JsonNode cleaned = translate(base.formatted("{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
        + "\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}},\"$defs\":{\"A\":{\"type\":\"string\","
        + "\"format\":\"uri\"}}}")).body().at("/tools/0/functionDeclarations/0/parametersJsonSchema");
    assertThat(cleaned).isEqualTo(Fixtures.json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"));

    assertRejected(base.formatted("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/Gone\"}}}"),
        "tools[0].function.parameters", "'parameters' at /properties/a/$ref: refers to '#/$defs/Gone'");
  }

  @Test
  void theToolSchemasOfOneRequestShareOneNodeBudget() {
    // Each schema inlines to a few thousand nodes from a few hundred bytes (definitions that refer to
    // the one before twice), within the bound of one schema; many tools of it must not add up without end.
    StringBuilder defs = new StringBuilder("\"d0\":{\"type\":\"string\"}");
    for (int i = 1; i <= 9; i++) {
      defs.append(",\"d").append(i).append("\":{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/d")
          .append(i - 1).append("\"},\"b\":{\"$ref\":\"#/$defs/d").append(i - 1).append("\"}}}");
    }
    String schema = "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/d9\"}},\"$defs\":{" + defs + "}}";
    StringBuilder tools = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      tools.append(i == 0 ? "" : ",").append("{\"type\":\"function\",\"function\":{\"name\":\"f").append(i)
          .append("\",\"parameters\":").append(schema).append("}}");
    }
    String base = "{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"tools\":[%s]}";
    assertThat(translate(base.formatted(tools.substring(0, tools.indexOf(",{\"type\"")))).body()
        .at("/tools/0/functionDeclarations/0/parametersJsonSchema/properties/x/properties/a").isObject()).isTrue();
    assertThatThrownBy(() -> translate(base.formatted(tools)))
        .isInstanceOfSatisfying(TranslationException.class, e -> {
          assertThat(e.param()).matches("tools\\[\\d+]\\.function\\.parameters");
          assertThat(e.getMessage()).contains("more than " + FunctionSchemas.MAX_REQUEST_NODES + " nodes");
        });
  }

  @Test
  void rejectsUnsupportedContentAndRoles() {
    String base = "{\"model\":\"gemini-2.0-flash\",\"messages\":[%s]}";
    assertRejected(base.formatted("{\"role\":\"wizard\",\"content\":\"x\"}"), "messages[0].role", "wizard");
    assertRejected(base.formatted("{\"content\":\"x\"}"), "messages[0].role", "role");
    assertRejected(base.formatted("{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_id\":\"f1\"}}]}"),
        "messages[0].content[0].file.file_id", "file_id");
    assertRejected(base.formatted("{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://x/y.png\"}}]}"),
        "messages[0].content[0].image_url.url", "http");
    assertRejected(base.formatted("{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}"),
        "messages[0].content[0].type", "video");
  }

  @Test
  void rejectsMalformedOptions() {
    String base = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],%s}";
    assertRejected(base.formatted("\"reasoning_effort\":\"extreme\""), "reasoning_effort", "one of");
    assertRejected(base.formatted("\"response_format\":{\"type\":\"yaml\"}"), "response_format.type", "yaml");
    assertRejected(base.formatted("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}"),
        "response_format.json_schema.schema", "schema");
    assertRejected(base.formatted("\"stop\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"]"), "stop", "at most 5");
    assertRejected(base.formatted("\"max_tokens\":0"), "max_tokens", "at least 1");
    assertRejected(base.formatted("\"temperature\":\"hot\""), "temperature", "number");
    assertRejected(base.formatted("\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}]"), "tools[0].type", "custom");
    assertRejected(base.formatted("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"sometimes\""),
        "tool_choice", "sometimes");
  }

  @Test
  void searchSuffixNeedsAConfiguredSearchModel() {
    assertRejected("{\"model\":\"gemini-2.0-flash-search\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "model", "Model gemini-2.0-flash-search is not supported");
  }

  @Test
  void restoresThoughtSignatureAndUpstreamIdFromTheCache() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(1 << 20, 60_000);
    cache.put("call_x", new ThoughtSignatureCache.Entry("f", "SIG_CACHED", "gem-1"), 1_000);
    String json = "{\"model\":\"gemini-3-pro-preview\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_x\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"call_x\",\"content\":\"{\\\"ok\\\":true}\"}]}";

    JsonNode contents = new ChatRequestTranslator(OPTIONS, cache).translate(Fixtures.json(json), 2_000).body().get("contents");

    assertThat(contents.get(1)).isEqualTo(Fixtures.json(
        "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{},\"id\":\"gem-1\"},\"thoughtSignature\":\"SIG_CACHED\"}]}"));
    assertThat(contents.get(2)).isEqualTo(Fixtures.json(
        "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"f\",\"response\":{\"ok\":true},\"id\":\"gem-1\"}}]}"));
  }

  @Test
  void clientSignatureWinsOverTheCacheAndExpiredEntriesAreIgnored() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(1 << 20, 60_000);
    cache.put("c1", new ThoughtSignatureCache.Entry("f", "SIG_OLD", null), 0);
    cache.put("c2", new ThoughtSignatureCache.Entry("f", "SIG_EXPIRED", null), 0);
    String json = "{\"model\":\"gemini-3-pro-preview\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"},"
        + "\"extra_content\":{\"google\":{\"thought_signature\":\"SIG_CLIENT\"}}}]}]}";

    JsonNode part = new ChatRequestTranslator(OPTIONS, cache).translate(Fixtures.json(json), 30_000)
        .body().at("/contents/1/parts/0");
    assertThat(part.get("thoughtSignature").asText()).isEqualTo("SIG_CLIENT");

    JsonNode expired = new ChatRequestTranslator(OPTIONS, cache)
        .translate(Fixtures.json(json.replace("c1", "c2").replace(",\"extra_content\":{\"google\":{\"thought_signature\":\"SIG_CLIENT\"}}", "")), 60_001)
        .body().at("/contents/1/parts/0");
    assertThat(expired.has("thoughtSignature")).isFalse();
  }

  @ParameterizedTest(name = "{0} on {1} -> budget {2} / level {3}")
  @CsvSource({
      "none, gemini-2.5-flash, 0, ",
      "none, gemini-2.5-pro, 128, ",
      "minimal, gemini-2.5-flash, 512, ",
      "low, gemini-2.5-flash-lite, 1024, ",
      "medium, gemini-2.5-pro, 8192, ",
      "high, gemini-2.5-flash, 24576, ",
      "xhigh, gemini-2.5-flash, 24576, ",
      "max, gemini-2.5-pro, 32768, ",
      "none, gemini-3-flash-preview, , MINIMAL",
      "none, gemini-3-pro-preview, , LOW",
      "minimal, gemini-3-flash-preview, , MINIMAL",
      "minimal, gemini-3-pro-preview, , LOW",
      "low, gemini-3-pro-preview, , LOW",
      "medium, gemini-3-flash-preview, , MEDIUM",
      "medium, gemini-3-pro-preview, , HIGH",
      "high, gemini-3-flash-preview, , HIGH",
      "max, gemini-3-pro-preview, , HIGH"})
  void reasoningEffortFollowsTheThinkingTable(String effort, String model, Integer budget, String level) {
    JsonNode thinking = translate("{\"model\":\"" + model + "\",\"reasoning_effort\":\"" + effort
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").body().at("/generationConfig/thinkingConfig");

    if (budget != null) {
      assertThat(thinking.get("thinkingBudget").intValue()).isEqualTo(budget);
      assertThat(thinking.has("thinkingLevel")).isFalse();
    } else {
      assertThat(thinking.get("thinkingLevel").asText()).isEqualTo(level);
      assertThat(thinking.has("thinkingBudget")).isFalse();
    }
  }

  @Test
  void fetchedMediaReplacesPlaceholdersWithoutTouchingTheInput() {
    TranslatedChatRequest translated = translate("{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://a/x.png\"}},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://a/y\"}}]}]}");
    String before = translated.body().toString();

    JsonNode filled = MediaPlaceholders.withFetchedMedia(translated.body(),
        Map.of("https://a/x.png", new MediaPlaceholders.FetchedMedia("image/JPG", "ABC".getBytes(StandardCharsets.US_ASCII))));

    // the bytes are written as base64 when the tree is serialised
    assertThat(Fixtures.json(filled.at("/contents/0/parts/0").toString()))
        .isEqualTo(Fixtures.json("{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"QUJD\"}}"));
    assertThat(filled.at("/contents/0/parts/1/fileData/fileUri").asText()).isEqualTo("https://a/y");
    assertThat(translated.body().toString()).isEqualTo(before);
    assertThat(translated.mediaUrls()).containsExactly("https://a/x.png", "https://a/y");
  }

  @Test
  void percentEncodedDataUrlsAreReencodedAsBase64() {
    JsonNode part = translate("{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"file\",\"file\":{\"file_data\":\"data:text/plain,hello%20world\"}}]}]}").body().at("/contents/0/parts/0");
    assertThat(part).isEqualTo(Fixtures.json("{\"inlineData\":{\"mimeType\":\"text/plain\",\"data\":\"aGVsbG8gd29ybGQ=\"}}"));
  }

  // Found by TranslatorPropertyTest: URLDecoder threw IllegalArgumentException out of the
  // translator for a broken %-escape, and "data:;,x" split into no header parts at all.
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"data:,%", "data:,%zz", "data:text/plain,%E0%A4%A"})
  void aDataUrlWithABrokenEscapeIsTheClientsError(String url) {
    String base = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":[%s]}]}";
    assertRejected(base.formatted("{\"type\":\"image_url\",\"image_url\":\"" + url + "\"}"),
        "messages[0].content[0].image_url.url", "malformed data URL");
    assertRejected(base.formatted("{\"type\":\"file\",\"file\":{\"file_data\":\"" + url + "\"}}"),
        "messages[0].content[0].file.file_data", "malformed data URL");
  }

  @Test
  void aDataUrlWithOnlySemicolonsInItsHeaderIsPlainText() {
    JsonNode part = translate("{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:;,x\"}}]}]}").body().at("/contents/0/parts/0");
    assertThat(part).isEqualTo(Fixtures.json("{\"inlineData\":{\"mimeType\":\"text/plain\",\"data\":\"eA==\"}}"));
  }

  // Found by TranslatorPropertyTest: tool call arguments nested 999 levels deep parse, but the
  // translated body (6 more levels) is deeper than Jackson writes, so the relay failed to send it.
  @Test
  void clientJsonTooDeepToSendIsRejectedNamingItsField() {
    String deepObject = "{\"a\":".repeat(999) + "1" + "}".repeat(999);
    String call = "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"f\",\"arguments\":%s}}]}";
    String base = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},%s]%s}";
    String asText = Fixtures.json(deepObject).toString().replace("\\", "\\\\").replace("\"", "\\\"");
    assertRejected(base.formatted(call.formatted("\"" + asText + "\""), ""),
        "messages[1].tool_calls[0].function.arguments", "nested more than 512 levels");
    String shallower = "{\"a\":".repeat(990) + "1" + "}".repeat(990);
    assertRejected(base.formatted(call.formatted(shallower), ""),
        "messages[1].tool_calls[0].function.arguments", "nested more than 512 levels");
    String result = ",{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"" + asText + "\"}";
    assertRejected(base.formatted(call.formatted("\"{}\"") + result, ""), "messages[2].content", "nested");
    assertRejected(base.formatted("{\"role\":\"user\",\"content\":\"y\"}",
        ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":" + shallower + "}}]"),
        "tools[0].function.parameters", "nested");
    assertRejected(base.formatted("{\"role\":\"user\",\"content\":\"y\"}",
        ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":" + shallower + "}}"),
        "response_format.json_schema.schema", "nested");
    String allowed = "{\"a\":".repeat(511) + "{}" + "}".repeat(511);
    assertThat(translate(base.formatted(call.formatted(allowed), "")).body().toString()).isNotEmpty();
  }
}
