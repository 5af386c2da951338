package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResourceReferencesTest {

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void findsFilesCachesStoresAndInteractionsARequestNames() {
    String body = """
        {"cachedContent": "cachedContents/c1",
         "contents": [{"role": "user", "parts": [
           {"fileData": {"mimeType": "video/mp4", "fileUri": "https://generativelanguage.googleapis.com/v1beta/files/f1"}},
           {"file_data": {"file_uri": "files/f2"}},
           {"fileData": {"fileUri": "https://www.youtube.com/watch?v=x"}},
           {"text": "fileUri files/f9 in text is not a reference"}]}],
         "tools": [{"fileSearch": {"fileSearchStoreNames": ["fileSearchStores/s1", "fileSearchStores/s2"]}}],
         "previous_interaction_id": "i7"}
        """;
    assertThat(ResourceReferences.inRequest(json(body)).names()).containsExactly(
        "cachedContents/c1", "files/f1", "files/f2", "fileSearchStores/s1", "fileSearchStores/s2", "interactions/i7");
  }

  @Test
  void aBatchInputFileIsAReference() {
    assertThat(ResourceReferences.inRequest(json("{\"batch\":{\"inputConfig\":{\"fileName\":\"files/in-1\"}}}")).names())
        .containsExactly("files/in-1");
  }

  @Test
  void plainRequestsNameNothing() {
    assertThat(ResourceReferences.inRequest(json("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")))
        .isEqualTo(ResourceReferences.References.NONE);
    assertThat(ResourceReferences.inRequest(json("{\"cachedContent\": 5}")).names()).isEmpty();
    // Non-ASCII text escaped by the client does not make every body a parse.
    byte[] chinese = json("{\"t\":\"\\u4e2d\\u6587\"}");
    assertThat(ResourceReferences.mayNameResources(i -> chinese[i], chinese.length)).isFalse();
    byte[] escapedName = json("{\"cached\\u0043ontent\":\"cachedContents/c\"}");
    assertThat(ResourceReferences.mayNameResources(i -> escapedName[i], escapedName.length)).isTrue();
    // Web addresses on other hosts are pages Google fetches, not files of a key.
    assertThat(ResourceReferences.inRequest(json("{\"fileData\":{\"fileUri\":\"https://example.com/files/report\"}}")))
        .isEqualTo(new ResourceReferences.References(java.util.Set.of(), null));
  }

  @Test
  void bodiesThatCannotBeJudgedAreRefusedNotPassedOn() {
    assertThat(ResourceReferences.inRequest(json("{\"cachedContent\": \"cachedContents/c1\"")).problem())
        .contains("not valid JSON");
    assertThat(ResourceReferences.inRequest(json("{\"cachedContent\": \"cachedContents/../x\"}")).problem())
        .contains("Field 'cachedContent'").contains("not a resource name");
    assertThat(ResourceReferences.inRequest(json("{\"fileUri\": \"files/x/\"}")).problem()).isNotNull();
  }

  @Test
  void answersNameTheFilesGoogleGenerated() {
    String veo = """
        {"name": "models/veo/operations/o1", "done": true, "response": {"generateVideoResponse": {
          "generatedSamples": [{"video": {"uri": "https://generativelanguage.googleapis.com/v1beta/files/v1:download?alt=media"}}]}}}
        """;
    assertThat(ResourceReferences.filesInAnswer(json(veo))).containsExactly("files/v1");
    String batch = "{\"name\":\"batches/b1\",\"response\":{\"responsesFile\":\"files/batch-out-1\"}}";
    assertThat(ResourceReferences.filesInAnswer(json(batch))).containsExactly("files/batch-out-1");
    assertThat(ResourceReferences.filesInAnswer(json("{\"uri\":\"https://example.com/a\"}"))).isEmpty();
    // Only where Google puts the files it made: a model's function-call arguments name nothing.
    assertThat(ResourceReferences.filesInAnswer(json("{\"name\":\"batches/b\",\"response\":{\"inlinedResponses\":"
        + "[{\"functionCall\":{\"args\":{\"responsesFile\":\"files/victim\",\"video\":{\"uri\":\"files/v\"}}}}]}}")))
        .isEmpty();
  }

  @Test
  void theInPlaceScanAgreesWithTheParse() {
    for (String body : new String[] {"{\"cachedContent\":\"cachedContents/c\"}", "{\"contents\":[]}",
        "{\"x\":\"fileUri\"}", "{\"fileUri\"", "\"previous_interaction_id\": 1", ""}) {
      byte[] bytes = json(body);
      boolean scanned = ResourceReferences.mayNameResources(i -> bytes[i], bytes.length);
      assertThat(scanned).as(body).isEqualTo(ResourceReferences.containsAny(bytes,
          new byte[][] {json("\"fileUri\""), json("\"cachedContent\""), json("\"previous_interaction_id\"")}));
    }
    byte[] plain = json("{\"contents\":[{\"parts\":[{\"text\":\"cachedContent\"}]}]}");
    assertThat(ResourceReferences.mayNameResources(i -> plain[i], plain.length)).isTrue(); // a quote before it
  }

  @Test
  void namesAreBounded() {
    StringBuilder body = new StringBuilder("{\"tools\":[{\"fileSearch\":{\"fileSearchStoreNames\":[");
    for (int i = 0; i < 500; i++) {
      body.append(i == 0 ? "" : ",").append("\"fileSearchStores/s").append(i).append('"');
    }
    body.append("]}}]}");
    assertThat(ResourceReferences.inRequest(json(body.toString())).problem()).contains("more than 64");
  }
}
