package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmptyAnswerTest {

  static boolean empty(String json) {
    byte[] bytes = ("  " + json + "  ").getBytes(StandardCharsets.UTF_8);
    return EmptyAnswer.isEmpty(bytes, 2, bytes.length - 4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no candidates, usage only | {\"usageMetadata\":{\"promptTokenCount\":3}} | true",
      "empty candidates list | {\"candidates\":[]} | true",
      "content without parts | {\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":\"STOP\"}]} | true",
      "empty parts | {\"candidates\":[{\"content\":{\"parts\":[],\"role\":\"model\"}}]} | true",
      "no content, no reason | {\"candidates\":[{\"index\":0}]} | true",
      "unspecified reason | {\"candidates\":[{\"finishReason\":\"FINISH_REASON_UNSPECIFIED\"}]} | true",
      "a text part | {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]},\"finishReason\":\"STOP\"}]} | false",
      "a part after other fields | {\"modelVersion\":\"m\",\"candidates\":[{\"index\":0,\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":{}}]}}]} | false",
      "second candidate has parts | {\"candidates\":[{\"content\":{}},{\"content\":{\"parts\":[{\"text\":\"x\"}]}}]} | false",
      "blocked prompt | {\"promptFeedback\":{\"blockReason\":\"SAFETY\"}} | false",
      "blocked after candidates | {\"candidates\":[],\"promptFeedback\":{\"safetyRatings\":[],\"blockReason\":\"OTHER\"}} | false",
      "feedback without block | {\"promptFeedback\":{\"safetyRatings\":[]}} | true",
      "max tokens spent thinking | {\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":\"MAX_TOKENS\"}]} | false",
      "safety stop | {\"candidates\":[{\"finishReason\":\"SAFETY\",\"safetyRatings\":[]}]} | false",
      "not JSON | not json at all | false",
      "a JSON array | [1,2] | false",
      "truncated | {\"candidates\":[{\"content\": | false",
  })
  void classifies(String what, String json, boolean expected) {
    assertThat(empty(json)).as(what).isEqualTo(expected);
  }
}
