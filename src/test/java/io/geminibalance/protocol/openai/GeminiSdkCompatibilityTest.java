package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.types.Content;
import com.google.genai.types.GenerationConfig;
import com.google.genai.types.SafetySetting;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Gemini request body our fixtures expect is read by the official {@code google-genai}
 * SDK's types and written back unchanged, so each field name and enum value we send is one
 * Google's own client knows.
 */
class GeminiSdkCompatibilityTest {

  @TestFactory
  Stream<DynamicTest> everyExpectedRequestBodyRoundTripsThroughTheSdkTypes() {
    return Fixtures.list("fixtures/openai/request", ".json").stream()
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  private static void check(Path file) {
    JsonNode body = Fixtures.read(file).at("/expected/body");
    for (JsonNode content : body.get("contents")) {
      assertSame(content, Content.fromJson(content.toString()).toJson());
    }
    if (body.has("systemInstruction")) {
      assertSame(body.get("systemInstruction"), Content.fromJson(body.get("systemInstruction").toString()).toJson());
    }
    for (JsonNode tool : body.path("tools")) {
      assertSame(tool, Tool.fromJson(tool.toString()).toJson());
    }
    for (JsonNode setting : body.path("safetySettings")) {
      assertSame(setting, SafetySetting.fromJson(setting.toString()).toJson());
    }
    if (body.has("toolConfig")) {
      assertSame(body.get("toolConfig"), ToolConfig.fromJson(body.get("toolConfig").toString()).toJson());
    }
    if (body.has("generationConfig")) {
      assertSame(body.get("generationConfig"), GenerationConfig.fromJson(body.get("generationConfig").toString()).toJson());
    }
  }

  // The SDK holds topK and friends as floats: 40 and 40.0 are the same value on the wire.
  private static void assertSame(JsonNode ours, String sdkJson) {
    JsonNode sdk = Fixtures.json(sdkJson);
    assertThat(sdk.equals(GeminiSdkCompatibilityTest::compareNumerically, ours))
        .as("SDK wrote %s for our %s", sdk, ours).isTrue();
  }

  private static int compareNumerically(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return Double.compare(a.doubleValue(), b.doubleValue());
    }
    return a.equals(b) ? 0 : 1;
  }
}
