package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LiveSetupTest {
  static LiveSetup.Parsed parse(String text) {
    return LiveSetup.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theModelOfASetup() {
    assertThat(parse("{\"setup\":{\"model\":\"models/gemini-2.0-flash-live-001\",\"generationConfig\":{}}}"))
        .isEqualTo(new LiveSetup.Valid("gemini-2.0-flash-live-001"));
    assertThat(parse("{\"setup\":{\"model\":\"gemini-live-2.5-flash-preview\"}}"))
        .isEqualTo(new LiveSetup.Valid("gemini-live-2.5-flash-preview"));
  }

  @Test
  void whatIsNotASetupSaysWhy() {
    assertInvalid("", "empty");
    assertInvalid("{", "not JSON");
    assertInvalid("[1]", "JSON object");
    assertInvalid("\"setup\"", "JSON object");
    assertInvalid("{\"clientContent\":{}}", "setup");
    assertInvalid("{\"setup\":[]}", "setup");
    assertInvalid("{\"setup\":{}}", "setup.model is required");
    assertInvalid("{\"setup\":{\"model\":7}}", "setup.model is required");
    assertInvalid("{\"setup\":{\"model\":\"models/\"}}", "empty");
    assertInvalid("{\"setup\":{\"model\":\"models/../x\"}}", "Invalid setup.model");
    assertInvalid("{\"setup\":{\"model\":\"models/a b\"}}", "Invalid setup.model");
    assertInvalid("{\"setup\":{\"model\":\"tunedModels/x/y\"}}", "Invalid setup.model");
  }

  @Test
  void aLongModelNameIsQuotedOnlyInPart() {
    String name = "m".repeat(5000) + "!";
    LiveSetup.Parsed parsed = parse("{\"setup\":{\"model\":\"models/" + name + "\"}}");
    assertThat(parsed).isInstanceOfSatisfying(LiveSetup.Invalid.class,
        invalid -> assertThat(invalid.message()).hasSizeLessThan(400));
  }

  private static void assertInvalid(String text, String expected) {
    LiveSetup.Parsed parsed = parse(text);
    assertThat(parsed).as(text).isInstanceOfSatisfying(LiveSetup.Invalid.class,
        invalid -> assertThat(invalid.message()).as(text).contains(expected));
  }
}
