package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathSegmentsTest {

  @Test
  void plainSegmentsPass() {
    assertThat(PathSegments.problem("models/gemini-2.5-flash:generateContent")).isNull();
    assertThat(PathSegments.problem("chat/completions")).isNull();
    assertThat(PathSegments.problem("models/a%20b")).isNull();
    assertThat(PathSegments.problem("a..b/...")).isNull();
  }

  @Test
  void encodingLeavesUnreservedCharactersAndReturnsTheSameString() {
    String id = "gemini-2.5-flash_x~y";
    assertThat(PathSegments.encode(id)).isSameAs(id);
    assertThat(PathSegments.encode("")).isEmpty();
  }

  @Test
  void encodingPercentEncodesEverythingElseAsUtf8() {
    assertThat(PathSegments.encode("a/b")).isEqualTo("a%2Fb");
    assertThat(PathSegments.encode("../x")).isEqualTo("..%2Fx");
    assertThat(PathSegments.encode("a b?c#d%e:f\\g")).isEqualTo("a%20b%3Fc%23d%25e%3Af%5Cg");
    assertThat(PathSegments.encode("\u00e9\u4e2d\r\n")).isEqualTo("%C3%A9%E4%B8%AD%0D%0A");
    assertThat(PathSegments.encode("x\uD83D\uDE00")).isEqualTo("x%F0%9F%98%80");
  }

  @Test
  void excerptsAreShortAndPrintable() {
    assertThat(PathSegments.excerpt("abc", 0, 3)).isEqualTo("abc");
    assertThat(PathSegments.excerpt("a\r\n\u00e9b", 0, 5)).isEqualTo("a???b");
    assertThat(PathSegments.excerpt("x".repeat(1000), 0, 1000)).isEqualTo("x".repeat(100) + "...");
    assertThat(PathSegments.quote("x".repeat(1000), 0, 1000)).isEqualTo("'" + "x".repeat(100) + "...' (1000 characters)");
    assertThat(PathSegments.quote("xyz", 1, 3)).isEqualTo("'yz'");
  }
}
