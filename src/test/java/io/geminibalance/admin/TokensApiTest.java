package io.geminibalance.admin;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.ClientTokenRegistry;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.GatewayPair;
import io.geminibalance.testing.LogCapture;
import io.geminibalance.testing.RawHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/tokens} through the whole gateway: values shown once and never again, the registry
 * the data plane reads kept in step with every change, bad input refused naming the field with
 * nothing changed, and the audit log without values.
 */
class TokensApiTest {
  private static final String VALUE = "sk-gb-[A-Za-z0-9_-]{43}";
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  static HttpResponse<String> call(String method, String path, String body) {
    return h.send(h.request(path, "authorization", "Bearer " + ADMIN_TOKEN, "content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  static JsonObject create(String body) {
    HttpResponse<String> created = call("POST", "/api/tokens", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body());
  }

  static String uniqueName(String stem) {
    return stem + "-" + System.nanoTime();
  }

  private static ClientTokenRegistry registry() {
    return h.gateway.clientTokens();
  }

  private static String hash(String value) {
    return h.gateway.persistence().storage().tokenFingerprints().hash(value);
  }

  @Test
  void aTokenIsMadeWithItsValueShownOnceListedWithoutItRotatedAndRevoked() {
    String name = uniqueName("ci");
    String expires = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    HttpResponse<String> answer;
    JsonObject created;
    try (LogCapture logs = new LogCapture()) {
      answer = call("POST", "/api/tokens", new JsonObject().put("name", name)
          .put("models", new JsonArray().add("gemini-2.5-*").add("models/gemini-2.0-flash"))
          .put("protocols", new JsonArray().add("openai").add("native"))
          .put("limits", new JsonObject().put("rpm", 60).put("tpd", 5_000_000_000L).put("max_concurrent", 4))
          .put("expires_at", expires).put("cidrs", new JsonArray().add("10.0.0.0/8").add("2001:db8::/32")
              .add("192.168.1.7")).encode());
      created = new JsonObject(answer.body());
      assertThat(logs.text()).as("the value is never logged").doesNotContain(created.getString("value"));
      assertThat(logs.logLines()).as("a token changes who gets in: WARN").anyMatch(line -> line.contains("WARN")
          && line.contains("tokens.create") && line.contains("sk-gb-..."));
    }
    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(answer.headers().firstValue("cache-control")).contains("no-store");
    String value = created.getString("value");
    String id = created.getString("id");
    assertThat(value).matches(VALUE);
    assertThat(id).matches("tk_[0-9a-f]{16}");
    assertThat(created.getString("value_hint")).isEqualTo("sk-gb-..." + value.substring(value.length() - 4));
    assertThat(created.getString("status")).isEqualTo("active");
    assertThat(created.getJsonArray("cidrs").getList())
        .containsExactly("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32", "192.168.1.7");
    assertThat(created.getString("expires_at")).isEqualTo(expires);

    ClientToken inForce = registry().byHash(hash(value));
    assertThat(inForce).as("the registry has it at once").isNotNull();
    assertThat(inForce.id()).isEqualTo(id);
    assertThat(inForce.models()).containsExactly("gemini-2.5-*", "models/gemini-2.0-flash");
    assertThat(inForce.protocols()).containsExactlyInAnyOrder(ClientProtocol.OPENAI, ClientProtocol.NATIVE);
    assertThat(inForce.limits()).isEqualTo(new TokenLimits(60L, null, null, 5_000_000_000L, 4));
    assertThat(inForce.expiresAt()).isEqualTo(Instant.parse(expires));

    HttpResponse<String> list = call("GET", "/api/tokens", null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).doesNotContain(value).doesNotContain(hash(value)).contains(id);
    HttpResponse<String> one = call("GET", "/api/tokens/" + id, null);
    assertThat(one.body()).doesNotContain(value).doesNotContain("\"value\"");
    assertThat(new JsonObject(one.body()).getString("name")).isEqualTo(name);

    JsonObject rotated = new JsonObject(call("POST", "/api/tokens/" + id + "/rotate", null).body());
    String next = rotated.getString("value");
    assertThat(next).matches(VALUE).isNotEqualTo(value);
    assertThat(rotated.getString("id")).isEqualTo(id);
    assertThat(registry().byHash(hash(value))).as("the old value no longer").isNull();
    assertThat(registry().byHash(hash(next)).id()).isEqualTo(id);
    assertThat(registry().byId(id).limits().requestsPerMinute()).as("limits stay").isEqualTo(60L);

    HttpResponse<String> revoked = call("POST", "/api/tokens/" + id + "/revoke", null);
    assertThat(revoked.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(revoked.body()).getString("status")).isEqualTo("revoked");
    assertThat(registry().byHash(hash(next)).revokedAt()).as("kept, as revoked").isNotNull();
    assertThat(call("GET", "/api/tokens", null).body()).contains(id);
    assertThat(call("POST", "/api/tokens/" + id + "/revoke", null).statusCode()).as("again: no change").isEqualTo(200);
    assertThat(call("POST", "/api/tokens/" + id + "/rotate", null).statusCode()).isEqualTo(409);
    assertThat(call("PATCH", "/api/tokens/" + id, "{\"enabled\":true}").statusCode()).isEqualTo(409);

    String audit = call("GET", "/api/audit?limit=100", null).body();
    assertThat(audit).contains("tokens.create").contains("tokens.rotate").contains("tokens.revoke")
        .doesNotContain(value).doesNotContain(next);
  }

  @Test
  void aPatchChangesTheFieldsItNamesOnly() {
    String id = create(new JsonObject().put("name", uniqueName("patch")).put("models", new JsonArray().add("m-1"))
        .put("limits", new JsonObject().put("rpm", 10).put("rpd", 1000))
        .put("expires_at", Instant.now().plus(1, ChronoUnit.DAYS).toString()).encode()).getString("id");

    HttpResponse<String> patched = call("PATCH", "/api/tokens/" + id,
        "{\"limits\":{\"rpm\":20,\"rpd\":null},\"expires_at\":null,\"enabled\":false}");

    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    JsonObject token = new JsonObject(patched.body());
    assertThat(token.getJsonObject("limits").getLong("rpm")).isEqualTo(20L);
    assertThat(token.getJsonObject("limits").getValue("rpd")).isNull();
    assertThat(token.getValue("expires_at")).isNull();
    assertThat(token.getString("status")).isEqualTo("disabled");
    assertThat(token.getJsonArray("models").getList()).containsExactly("m-1");
    ClientToken inForce = registry().byId(id);
    assertThat(inForce.enabled()).isFalse();
    assertThat(inForce.limits()).isEqualTo(new TokenLimits(20L, null, null, null, null));
    assertThat(call("GET", "/api/audit?limit=100", null).body()).contains("token " + id + " rpm");
  }

  @Test
  void namesAreUniqueAmongTokensNotRevoked() {
    String name = uniqueName("team");
    String id = create("{\"name\":\"" + name + "\"}").getString("id");

    HttpResponse<String> twice = call("POST", "/api/tokens", "{\"name\":\"" + name.toUpperCase() + "\"}");
    assertThat(twice.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(twice.body()).getJsonObject("error").getString("param")).isEqualTo("name");

    call("POST", "/api/tokens/" + id + "/revoke", null);
    assertThat(call("POST", "/api/tokens", "{\"name\":\"" + name + "\"}").statusCode()).isEqualTo(201);
  }

  @Test
  void twoInstancesGivenOneNameAtOnceMakeOneTokenAndRefuseTheOther() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres();
        GatewayPair pair = GatewayPair.start(GatewayPair.env(db, null, null));
        LogCapture logs = new LogCapture()) {
      // Each instance checks the names it reads before writing; only the database sees both writes.
      for (int round = 0; round < 5; round++) {
        String body = "{\"name\":\"" + uniqueName("race") + "\"}";
        List<CompletableFuture<HttpResponse<String>>> posts = Stream.of(pair.a(), pair.b())
            .map(g -> CompletableFuture.supplyAsync(() -> g.post("/api/tokens", body,
                "authorization", "Bearer " + ADMIN_TOKEN, "content-type", "application/json")))
            .toList();
        List<HttpResponse<String>> answers = posts.stream().map(CompletableFuture::join)
            .sorted(Comparator.comparingInt(HttpResponse::statusCode)).toList();

        assertThat(answers).extracting(HttpResponse::statusCode).as(answers.get(1).body()).containsExactly(201, 409);
        JsonObject error = new JsonObject(answers.get(1).body()).getJsonObject("error");
        assertThat(error.getString("param")).isEqualTo("name");
        assertThat(error.getString("message")).contains("is named");
      }
      List<ClientToken> made = pair.a().gateway.persistence().storage().clientTokens().loadAll().join();
      assertThat(made).hasSize(5);
      assertThat(logs.logLines()).as("a name taken is the caller's 409, not a server fault")
          .noneMatch(line -> line.startsWith("ERROR Admin change"));
      // Whichever instance lost (at its own check, or at the database's), the audit log is honest:
      // a create it shows was made, or is followed by a row saying it was refused.
      JsonArray entries = new JsonObject(pair.a().get("/api/audit?limit=200", "authorization", "Bearer " + ADMIN_TOKEN)
          .body()).getJsonArray("entries");
      List<String> refused = settingsOf(entries, "tokens.create.refused");
      assertThat(settingsOf(entries, "tokens.create")).hasSizeGreaterThanOrEqualTo(5).allSatisfy(setting ->
          assertThat(made.stream().anyMatch(t -> setting.equals("token " + t.id()))).isNotEqualTo(refused.contains(setting)));
    }
  }

  /** The setting of the first change of each audit entry of {@code action}. */
  private static List<String> settingsOf(JsonArray entries, String action) {
    return entries.stream().map(JsonObject.class::cast).filter(e -> e.getString("action").equals(action))
        .map(e -> e.getJsonArray("changes").getJsonObject(0).getString("setting")).toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not JSON                  | {"name":                                          | body
      a list                    | ["x"]                                             | body
      unknown field             | {"name":"n","value":"sk-gb-mine"}                 | value
      no name                   | {"models":[]}                                     | name
      blank name                | {"name":"  "}                                     | name
      control character         | {"name":"a\\u0007b"}                              | name
      model with a space        | {"name":"n","models":["gemini 2"]}                | models[0]
      models not a list         | {"name":"n","models":"gemini"}                    | models
      unknown protocol          | {"name":"n","protocols":["native","grpc"]}        | protocols[1]
      zero limit                | {"name":"n","limits":{"rpm":0}}                   | limits.rpm
      negative limit            | {"name":"n","limits":{"tpd":-5}}                  | limits.tpd
      fractional limit          | {"name":"n","limits":{"rpd":1.5}}                 | limits.rpd
      limit as text             | {"name":"n","limits":{"tpm":"100"}}               | limits.tpm
      limit too large           | {"name":"n","limits":{"max_concurrent":1000000}}  | limits.max_concurrent
      unknown limit             | {"name":"n","limits":{"rph":5}}                   | limits.rph
      limits not an object      | {"name":"n","limits":[5]}                         | limits
      expiry in the past        | {"name":"n","expires_at":"2020-01-01T00:00:00Z"}  | expires_at
      expiry without offset     | {"name":"n","expires_at":"2099-01-01T00:00:00"}   | expires_at
      expiry as a number        | {"name":"n","expires_at":4102444800}              | expires_at
      prefix too long           | {"name":"n","cidrs":["10.0.0.0/33"]}              | cidrs[0]
      octet too large           | {"name":"n","cidrs":["10.0.0.1","999.1.1.1"]}     | cidrs[1]
      leading zero              | {"name":"n","cidrs":["010.0.0.1"]}                | cidrs[0]
      a host name               | {"name":"n","cidrs":["localhost"]}                | cidrs[0]
      IPv6 zone                 | {"name":"n","cidrs":["fe80::1%eth0"]}             | cidrs[0]
      IPv6 prefix too long      | {"name":"n","cidrs":["2001:db8::/129"]}           | cidrs[0]
      broken IPv6               | {"name":"n","cidrs":["2001:::db8::1"]}            | cidrs[0]
      enabled as text           | {"name":"n","enabled":"yes"}                      | enabled
      """)
  void badInputIsRefusedNamingTheFieldAndNothingIsMade(String what, String body, String field) {
    int before = registry().all().size();

    HttpResponse<String> answer = call("POST", "/api/tokens", body);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(new JsonObject(answer.body()).getJsonObject("error").getString("param")).isEqualTo(field);
    assertThat(registry().all()).hasSize(before);
  }

  @Test
  void aNameOfMoreThan100CharactersOrAnEmptyPatchIsRefused() {
    assertThat(call("POST", "/api/tokens", "{\"name\":\"" + "x".repeat(101) + "\"}").statusCode()).isEqualTo(400);
    assertThat(call("POST", "/api/tokens", "{\"name\":\"" + "字".repeat(100) + "\"}").statusCode()).isEqualTo(201);
    String id = create("{\"name\":\"" + uniqueName("empty-patch") + "\"}").getString("id");
    HttpResponse<String> empty = call("PATCH", "/api/tokens/" + id, "{}");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(call("PATCH", "/api/tokens/" + id, "{\"limits\":{\"rpm\":0}}").statusCode()).isEqualTo(400);
    assertThat(registry().byId(id).limits()).isEqualTo(TokenLimits.NONE);
  }

  @Test
  void aRestartedGatewayLoadsTheStoredTokensBeforeServing() {
    String db = GatewayHarness.tempDatabase();
    String value;
    String id;
    try (GatewayHarness first = GatewayHarness.start(java.util.Map.of(), db)) {
      HttpResponse<String> created = first.send(first.request("/api/tokens", "authorization", "Bearer " + ADMIN_TOKEN)
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"kept\",\"limits\":{\"rpd\":7}}")).build());
      assertThat(created.statusCode()).isEqualTo(201);
      value = new JsonObject(created.body()).getString("value");
      id = new JsonObject(created.body()).getString("id");
    }
    try (GatewayHarness second = GatewayHarness.start(java.util.Map.of(), db)) {
      ClientToken loaded = second.gateway.clientTokens()
          .byHash(second.gateway.persistence().storage().tokenFingerprints().hash(value));
      assertThat(loaded).isNotNull();
      assertThat(loaded.id()).isEqualTo(id);
      assertThat(loaded.limits().requestsPerDay()).isEqualTo(7L);
    }
  }

  @Test
  void unknownIdsAre404() {
    for (String[] request : List.of(new String[] {"GET", "/api/tokens/tk_0000000000000000", null},
        new String[] {"PATCH", "/api/tokens/tk_0000000000000000", "{\"enabled\":false}"},
        new String[] {"POST", "/api/tokens/tk_0000000000000000/rotate", null},
        new String[] {"POST", "/api/tokens/tk_0000000000000000/revoke", null})) {
      HttpResponse<String> answer = call(request[0], request[1], request[2]);
      assertThat(answer.statusCode()).as(request[0] + " " + request[1]).isEqualTo(404);
      assertThat(new JsonObject(answer.body()).getJsonObject("error").getString("param")).isEqualTo("id");
    }
  }

  @Test
  void withoutTheAdminCredentialEveryRouteIs401AndNoBodyIsWaitedFor() throws Exception {
    int before = registry().all().size();
    for (String[] request : List.of(new String[] {"GET", "/api/tokens"}, new String[] {"POST", "/api/tokens"},
        new String[] {"GET", "/api/tokens/tk_x"}, new String[] {"PATCH", "/api/tokens/tk_x"},
        new String[] {"POST", "/api/tokens/tk_x/rotate"}, new String[] {"POST", "/api/tokens/tk_x/revoke"})) {
      for (String credential : new String[] {null, "Bearer " + CLIENT_TOKEN}) {
        try (RawHttp c = RawHttp.open(h.gateway.port())) {
          // A body announced and never sent: only an answer from the headers alone arrives.
          c.send(request[0] + " " + request[1] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + (credential == null ? "" : "Authorization: " + credential + "\r\n")
              + "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n");
          assertThat(c.read().status()).as(request[0] + " " + request[1] + " with " + credential).isEqualTo(401);
        }
      }
    }
    assertThat(registry().all()).hasSize(before);
  }
}
