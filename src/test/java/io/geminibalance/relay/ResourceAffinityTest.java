package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resources created through the gateway are used with the key that created them afterwards, by
 * path and by reference in a body; other clients neither see nor reach them; lists come from the
 * records. Over real sockets against the fake upstream.
 */
class ResourceAffinityTest {
  private static final String OTHER_TOKEN = "tok-client-other-9";
  private static GatewayHarness gw;
  private static int created;

  @BeforeAll
  static void start() {
    gw = GatewayHarness.start(Map.of("ALLOWED_TOKENS",
        "[\"" + GatewayHarness.CLIENT_TOKEN + "\",\"" + OTHER_TOKEN + "\"]"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void script() {
    gw.fake.reset();
    gw.fake.on(r -> r.method().name().equals("POST") && r.path().endsWith("/cachedContents"),
        (r, resp, raw) -> Replies.json(200, "{\"name\":\"cachedContents/c" + (++created) + "\",\"model\":\"models/gemini-2.5-flash\","
            + "\"expireTime\":\"2099-01-01T00:00:00Z\"}").send(r, resp, raw));
    gw.fake.on(r -> r.path().contains(":batchGenerateContent"),
        (r, resp, raw) -> Replies.json(200, "{\"name\":\"batches/b" + (++created) + "\",\"metadata\":{\"state\":\"BATCH_STATE_PENDING\"}}")
            .send(r, resp, raw));
    gw.fake.on(r -> r.method().name().equals("GET") && r.path().contains("/batches/"),
        (r, resp, raw) -> Replies.json(200, "{\"name\":\"" + r.path().substring(r.path().indexOf("batches/")) + "\",\"done\":true,"
            + "\"response\":{\"responsesFile\":\"files/out-" + created + "\"}}").send(r, resp, raw));
    gw.fake.on(r -> r.method().name().equals("DELETE"), Replies.json(200, "{}"));
  }

  private static HttpResponse<String> call(String method, String path, String body, String token) {
    HttpRequest.Builder builder = gw.request(path, "x-goog-api-key", token, "content-type", "application/json");
    builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return gw.send(builder.build());
  }

  private static String name(HttpResponse<String> answer) {
    String body = answer.body();
    int at = body.indexOf("\"name\":\"") + 8;
    return body.substring(at, body.indexOf('"', at));
  }

  private static List<Recorded> upstream(String pathPart) {
    return gw.fake.requests().stream().filter(r -> r.path().contains(pathPart)).toList();
  }

  @Test
  void aCacheIsUsedWithTheKeyThatCreatedItByPathAndInBodies() {
    HttpResponse<String> made = call("POST", "/v1beta/cachedContents",
        "{\"model\":\"models/gemini-2.5-flash\",\"contents\":[{\"parts\":[{\"text\":\"long\"}]}]}",
        GatewayHarness.CLIENT_TOKEN);
    assertThat(made.statusCode()).isEqualTo(200);
    String cache = name(made);
    String creatingKey = upstream("/cachedContents").get(0).key();

    for (int i = 0; i < 6; i++) {
      assertThat(call("POST", "/v1beta/models/gemini-2.5-flash:generateContent",
          "{\"cachedContent\":\"" + cache + "\",\"contents\":[{\"parts\":[{\"text\":\"q" + i + "\"}]}]}",
          GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
      assertThat(call("GET", "/v1beta/" + cache, null, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
    }
    Set<String> keysUsed = gw.fake.requests().stream()
        .filter(r -> r.path().contains(":generateContent") || r.path().contains("/" + cache))
        .map(Recorded::key).collect(Collectors.toSet());
    assertThat(keysUsed).containsExactly(creatingKey);
    // Plain requests still rotate over the pool.
    for (int i = 0; i < 6; i++) {
      call("POST", "/v1beta/models/gemini-2.5-flash:generateContent", "{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}]}",
          GatewayHarness.CLIENT_TOKEN);
    }
    assertThat(gw.fake.requests().stream().filter(r -> !r.bodyText().contains("cachedContent"))
        .filter(r -> r.path().contains(":generateContent")).map(Recorded::key).collect(Collectors.toSet()))
        .hasSize(3);
  }

  @Test
  void anotherClientCannotListReadUseOrDeleteAResource() {
    String cache = name(call("POST", "/v1beta/cachedContents", "{\"model\":\"models/gemini-2.5-flash\"}",
        GatewayHarness.CLIENT_TOKEN));
    int before = gw.fake.requests().size();
    assertThat(call("GET", "/v1beta/" + cache, null, OTHER_TOKEN).statusCode()).isEqualTo(404);
    assertThat(call("DELETE", "/v1beta/" + cache, null, OTHER_TOKEN).statusCode()).isEqualTo(404);
    HttpResponse<String> use = call("POST", "/v1beta/models/gemini-2.5-flash:generateContent",
        "{\"cachedContent\":\"" + cache + "\",\"contents\":[{\"parts\":[{\"text\":\"q\"}]}]}", OTHER_TOKEN);
    assertThat(use.statusCode()).isEqualTo(404);
    assertThat(use.body()).contains("\"status\":\"NOT_FOUND\"").contains(cache);
    assertThat(gw.fake.requests()).hasSize(before); // none of it reached Google
    assertThat(call("GET", "/v1beta/cachedContents", null, OTHER_TOKEN).body()).doesNotContain(cache);
    assertThat(call("GET", "/v1beta/cachedContents?pageSize=100", null, GatewayHarness.CLIENT_TOKEN).body())
        .contains(cache);
  }

  @Test
  void aBatchCountsAgainstItsModelAndTheFilesItProducesFollowItsKey() {
    HttpResponse<String> made = call("POST", "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
        "{\"batch\":{\"displayName\":\"b\",\"inputConfig\":{\"requests\":{\"requests\":[]}}}}", GatewayHarness.CLIENT_TOKEN);
    assertThat(made.statusCode()).isEqualTo(200);
    String batch = name(made);
    String key = upstream(":batchGenerateContent").get(0).key();
    HttpResponse<String> got = call("GET", "/v1beta/" + batch, null, GatewayHarness.CLIENT_TOKEN);
    assertThat(got.statusCode()).isEqualTo(200);
    String output = got.body().substring(got.body().indexOf("files/"), got.body().lastIndexOf('"'));
    assertThat(call("GET", "/v1beta/" + output, null, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/v1beta/" + output, null, OTHER_TOKEN).statusCode()).isEqualTo(404);
    assertThat(upstream("/" + output)).extracting(Recorded::key).containsOnly(key);
    assertThat(call("POST", "/v1beta/" + batch + ":cancel", "{}", GatewayHarness.CLIENT_TOKEN).statusCode())
        .isEqualTo(200);
    assertThat(upstream(batch + ":cancel")).extracting(Recorded::key).containsOnly(key);
    assertThat(call("DELETE", "/v1beta/" + batch, null, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/v1beta/" + batch, null, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void resourcesOfTwoKeysCannotBeUsedTogether() {
    String first = name(call("POST", "/v1beta/cachedContents", "{}", GatewayHarness.CLIENT_TOKEN));
    String second;
    String firstKey = upstream("/cachedContents").get(0).key();
    do {
      gw.fake.requests();
      second = name(call("POST", "/v1beta/cachedContents", "{}", GatewayHarness.CLIENT_TOKEN));
    } while (upstream("/cachedContents").get(upstream("/cachedContents").size() - 1).key().equals(firstKey));
    int before = gw.fake.requests().size();
    HttpResponse<String> both = call("POST", "/v1beta/models/gemini-2.5-flash:generateContent",
        "{\"cachedContent\":\"" + first + "\",\"tools\":[{\"fileSearch\":{\"fileSearchStoreNames\":[]}}],"
            + "\"contents\":[{\"parts\":[{\"fileData\":{\"fileUri\":\"x\"}},{\"text\":\"" + second + "\"}]}]}",
        GatewayHarness.CLIENT_TOKEN);
    // The second cache only appears as text: one key, fine.
    assertThat(both.statusCode()).isEqualTo(200);
    HttpResponse<String> mixed = call("POST", "/v1beta/cachedContents",
        "{\"cachedContent\":\"" + first + "\",\"contents\":[{\"parts\":[]}],\"x\":{\"cachedContent\":\"" + second + "\"}}",
        GatewayHarness.CLIENT_TOKEN);
    assertThat(mixed.statusCode()).isEqualTo(400);
    assertThat(mixed.body()).contains("different keys").contains(first).contains(second)
        .doesNotContain(GatewayHarness.KEY_A).doesNotContain(GatewayHarness.KEY_B).doesNotContain(GatewayHarness.KEY_C);
    assertThat(gw.fake.requests()).hasSize(before + 1);
  }

  @Test
  void badInputIsRefusedInGooglesShapeAndNothingIsRecordedForAFailedCreation() {
    assertThat(call("GET", "/v1beta/cachedContents?pageSize=abc", null, GatewayHarness.CLIENT_TOKEN).statusCode())
        .isEqualTo(400);
    assertThat(call("GET", "/v1beta/cachedContents?pageToken=zz", null, GatewayHarness.CLIENT_TOKEN).body())
        .contains("pageToken");
    assertThat(call("GET", "/v1beta/cachedContents/nope", null, GatewayHarness.CLIENT_TOKEN).statusCode())
        .isEqualTo(404);
    assertThat(call("GET", "/v1beta/files/a.b", null, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(400);
    assertThat(call("PUT", "/v1beta/batches/b1", "{}", GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(404);
    gw.fake.on(r -> r.path().endsWith("/fileSearchStores"),
        Replies.googleError(400, "INVALID_ARGUMENT", "bad store"));
    HttpResponse<String> failed = call("POST", "/v1beta/fileSearchStores", "{}", GatewayHarness.CLIENT_TOKEN);
    assertThat(failed.statusCode()).isEqualTo(400);
    assertThat(call("GET", "/v1beta/fileSearchStores", null, GatewayHarness.CLIENT_TOKEN).body())
        .isEqualTo("{\"fileSearchStores\":[]}");
  }
}
