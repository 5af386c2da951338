package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Review (i17): bodies that Google reads as naming files/victim but in which the gateway finds no
 * reference, so they go out in rotation (with FILES_USER_ISOLATION_ENABLED they must be refused).
 */
class ResourceReferencesReviewTest {
  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEscapedFieldNameStillNamesTheFile() {
    // JSON: "file\u0055ri" is the field fileUri; Google's parser decodes it as any JSON parser does.
    String body = "{\"contents\":[{\"parts\":[{\"fileData\":{\"file\\u0055ri\":\"files/victim\"}}]}]}";
    assertThat(ResourceReferences.inRequest(bytes(body)).names()).containsExactly("files/victim");
  }

  @Test
  void aMalformedTailDoesNotHideTheReferencesBeforeIt() {
    String body = "{\"contents\":[{\"parts\":[{\"fileData\":{\"fileUri\":\"files/victim\"}}]}]} x";
    ResourceReferences.References found = ResourceReferences.inRequest(bytes(body));
    assertThat(found.names()).contains("files/victim");
    assertThat(found.problem()).isNotNull(); // refused, not passed on
  }

  @Test
  void theSixtyFifthNameIsNotDropped() {
    StringBuilder body = new StringBuilder("{\"contents\":[{\"parts\":[");
    for (int i = 0; i < 64; i++) {
      body.append("{\"fileData\":{\"fileUri\":\"files/mine").append(i).append("\"}},");
    }
    body.append("{\"fileData\":{\"fileUri\":\"files/victim\"}}]}]}");
    assertThat(ResourceReferences.inRequest(bytes(body.toString())).problem()).isNotNull(); // refused whole
  }

  @Test
  void aSnakeCaseBatchInputFileNamesTheFile() {
    String body = "{\"batch\":{\"input_config\":{\"file_name\":\"files/victim\"}}}";
    assertThat(ResourceReferences.inRequest(bytes(body)).names()).containsExactly("files/victim");
  }
}
