package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LivePathTest {
  static final String BETA = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";

  @Test
  void theLivePathsOfBothVersionsWithOneOrTwoLeadingSlashes() {
    assertThat(LivePath.path("v1beta")).isEqualTo(BETA);
    assertThat(LivePath.version(BETA)).isEqualTo("v1beta");
    assertThat(LivePath.version("/" + BETA)).isEqualTo("v1beta");
    assertThat(LivePath.version(BETA.replace("v1beta", "v1alpha"))).isEqualTo("v1alpha");
    assertThat(LivePath.version("/" + BETA.replace("v1beta", "v1alpha"))).isEqualTo("v1alpha");
  }

  @Test
  void nothingElse() {
    for (String path : new String[] {null, "", "/", "//", "///" + BETA.substring(1), "/ws" + BETA.substring(3).replace(
        "google", "/google"), "/ws/google.ai.generativelanguage..GenerativeService.BidiGenerateContent",
        BETA.replace("v1beta", "v1"), BETA.replace("v1beta", "v1beta1"), BETA + "/", BETA + "x",
        BETA.replace("BidiGenerateContent", "BidiGenerateContentConstrained"), "/x/.." + BETA, "/%77s" + BETA.substring(3),
        BETA.toUpperCase(), "/ws/google.ai.generativelanguage.v1beta.GenerativeService"}) {
      assertThat(LivePath.version(path)).as(String.valueOf(path)).isNull();
    }
  }
}
