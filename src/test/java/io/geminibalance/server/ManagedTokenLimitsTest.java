package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.LocalTokenLimiter;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ManagedTokens;
import io.geminibalance.testing.RawHttp;
import io.geminibalance.testing.Replies;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Managed tokens ({@code sk-gb-...}) on every surface: recognised by their hash, refused 401
 * (revoked, disabled, expired, unknown), 403 (protocol, client address, model) and 429 over their
 * own limits with Retry-After, each in the caller's protocol's shape; the concurrency slot is given
 * back when the client leaves mid-stream.
 */
class ManagedTokenLimitsTest {
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("MODEL_ALIASES",
      "{\"fast\":\"gemini-2.5-flash\",\"pro-alias\":\"gemini-2.5-pro\"}"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VALUE = "sk-gb-ManagedTokenValueForTests0001";

  /** The three client protocols, each with a request that reaches the pool and its error shape. */
  enum Surface {
    NATIVE("/v1beta/models/gemini-2.5-flash:generateContent", "x-goog-api-key",
        "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}"),
    OPENAI("/v1/chat/completions", "authorization",
        "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
    ANTHROPIC("/v1/messages", "x-api-key",
        "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    final String path;
    final String header;
    final String body;

    Surface(String path, String header, String body) {
      this.path = path;
      this.header = header;
      this.body = body;
    }

    String credential(String value) {
      return header.equals("authorization") ? "Bearer " + value : value;
    }

    /** The error's message, read from this surface's shape (asserting the shape). */
    String message(HttpResponse<String> response) throws IOException {
      JsonNode body = JSON.readTree(response.body());
      return switch (this) {
        case NATIVE -> {
          assertThat(body.path("error").path("code").asInt()).isEqualTo(response.statusCode());
          yield body.path("error").path("message").asText();
        }
        case OPENAI -> {
          assertThat(body.path("error").path("type").asText()).isNotEmpty();
          yield body.path("error").path("message").asText();
        }
        case ANTHROPIC -> {
          assertThat(body.path("type").asText()).isEqualTo("error");
          yield body.path("error").path("message").asText();
        }
      };
    }

    /** The error's type or status name in this surface's shape. */
    String kind(HttpResponse<String> response) throws IOException {
      JsonNode body = JSON.readTree(response.body());
      return switch (this) {
        case NATIVE -> body.path("error").path("status").asText();
        case OPENAI -> body.path("error").path("type").asText() + "/" + body.path("error").path("code").asText();
        case ANTHROPIC -> body.path("error").path("type").asText();
      };
    }
  }

  @BeforeEach
  void noTokens() {
    h.gateway.clientTokens().replace(List.of());
  }

  private static ClientToken token(String id, UnaryOperator<Builder> change) {
    return change.apply(new Builder(id)).build();
  }

  /** A token's fields, changed one at a time by a test. */
  static final class Builder {
    final String id;
    String value = VALUE;
    List<String> models = List.of();
    Set<ClientProtocol> protocols = Set.of();
    TokenLimits limits = TokenLimits.NONE;
    Instant expiresAt;
    List<String> cidrs = List.of();
    boolean enabled = true;
    Instant revokedAt;

    Builder(String id) {
      this.id = id;
    }

    Builder models(String... m) {
      models = List.of(m);
      return this;
    }

    Builder protocols(ClientProtocol... p) {
      protocols = Set.of(p);
      return this;
    }

    Builder limits(TokenLimits l) {
      limits = l;
      return this;
    }

    Builder expiresAt(Instant at) {
      expiresAt = at;
      return this;
    }

    Builder cidrs(String... c) {
      cidrs = List.of(c);
      return this;
    }

    Builder disabled() {
      enabled = false;
      return this;
    }

    Builder revoked() {
      revokedAt = Instant.now().minusSeconds(60);
      return this;
    }

    ClientToken build() {
      String hash = h.gateway.persistence().storage().tokenFingerprints().hash(value);
      Instant now = Instant.now();
      return new ClientToken(id, "ci-bot", hash, value.substring(value.length() - 4), models, protocols, limits,
          expiresAt, cidrs, enabled, revokedAt, now, now);
    }
  }

  private static void use(ClientToken... tokens) {
    h.gateway.clientTokens().replace(List.of(tokens));
  }

  private static HttpResponse<String> call(Surface surface, String value) {
    return h.post(surface.path, surface.body, surface.header, surface.credential(value), "content-type",
        "application/json");
  }

  @ParameterizedTest
  @EnumSource(Surface.class)
  void aManagedTokenIsServedAndAllowedTokensStillWork(Surface surface) {
    use(token("t-ok", b -> b.models("gemini-2.5-*")));
    assertThat(call(surface, VALUE).statusCode()).isEqualTo(200);
    assertThat(call(surface, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(call(surface, GatewayHarness.ADMIN_TOKEN).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(Surface.class)
  void anUnknownManagedValueIs401(Surface surface) throws IOException {
    use(token("t-other", b -> b));
    HttpResponse<String> response = call(surface, "sk-gb-NotAnyTokenOfThisGateway000");
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(surface.message(response)).doesNotContain("NotAnyToken");
    assertThat(h.fake.requests()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Surface.class)
  void revokedDisabledAndExpiredTokensAre401NamingTheToken(Surface surface) throws IOException {
    for (var change : List.<UnaryOperator<Builder>>of(Builder::revoked, Builder::disabled,
        b -> b.expiresAt(Instant.now().minusSeconds(5)))) {
      use(token("t-401", change));
      HttpResponse<String> response = call(surface, VALUE);
      assertThat(response.statusCode()).isEqualTo(401);
      String message = surface.message(response);
      assertThat(message).contains("token 'ci-bot'").containsAnyOf("revoked", "disabled", "expired")
          .doesNotContain(VALUE);
    }
    assertThat(h.fake.requests()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Surface.class)
  void aProtocolNotAllowedIs403(Surface surface) throws IOException {
    ClientProtocol other = surface == Surface.NATIVE ? ClientProtocol.OPENAI : ClientProtocol.NATIVE;
    use(token("t-proto", b -> b.protocols(other)));
    assertForbidden(surface, "token 'ci-bot' is not allowed to use the");
  }

  /** A 403 in the surface's permission shape, with this message, and nothing sent upstream. */
  private static void assertForbidden(Surface surface, String message) throws IOException {
    HttpResponse<String> response = call(surface, VALUE);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(surface.message(response)).contains(message);
    assertThat(surface.kind(response)).isIn("PERMISSION_DENIED", "permission_error/permission_denied",
        "permission_error");
    assertThat(h.fake.requests()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Surface.class)
  void anAddressOutsideTheTokensCidrsIs403(Surface surface) throws IOException {
    use(token("t-cidr", b -> b.cidrs("10.0.0.0/8", "2001:db8::/32")));
    HttpResponse<String> response = call(surface, VALUE);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(surface.message(response)).contains("not allowed from this client address");
    // TRUSTED_PROXIES unset: a client's own X-Forwarded-For names no address the check believes.
    HttpResponse<String> spoofed = h.post(surface.path, surface.body, surface.header, surface.credential(VALUE),
        "content-type", "application/json", "x-forwarded-for", "10.1.2.3", "forwarded", "for=10.1.2.3");
    assertThat(spoofed.statusCode()).isEqualTo(403);
    use(token("t-cidr", b -> b.cidrs("10.0.0.0/8", "127.0.0.0/8")));
    assertThat(call(surface, VALUE).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(Surface.class)
  void aModelNotAllowedIs403BeforeAnyKeyIsUsed(Surface surface) throws IOException {
    use(token("t-model", b -> b.models("gemini-2.5-pro", "gemini-1.*")));
    assertForbidden(surface, "token 'ci-bot' is not allowed to use model 'gemini-2.5-flash'");
  }

  /**
   * Resources created for a model named in the body, not the path: an interaction runs its
   * {@code model} or its {@code agent}, a cached content is made for its {@code model}; a token
   * limited to other models is refused before any key is used.
   */
  @Test
  void aResourceMadeForAModelOrAgentNotAllowedIs403() throws IOException {
    use(token("t-model-resource", b -> b.models("gemini-2.5-pro")));
    for (String[] call : new String[][] {
        {"/v1beta/interactions", "{\"agent\":\"deep-research-pro-preview-12-2025\",\"input\":\"hi\"}",
            "deep-research-pro-preview-12-2025"},
        {"/v1beta/interactions", "{\"model\":\"gemini-2.5-flash\",\"input\":\"hi\"}", "gemini-2.5-flash"},
        {"/v1beta/cachedContents", "{\"model\":\"models/gemini-2.5-flash\",\"contents\":[]}",
            "models/gemini-2.5-flash"}}) {
      HttpResponse<String> response = h.post(call[0], call[1], "x-goog-api-key", VALUE, "content-type",
          "application/json");
      assertThat(response.statusCode()).as(call[1] + " " + response.body()).isEqualTo(403);
      assertThat(Surface.NATIVE.message(response)).contains("not allowed to use model '" + call[2] + "'");
    }
    assertThat(h.fake.requests()).isEmpty();
    HttpResponse<String> allowed = h.post("/v1beta/cachedContents", "{\"model\":\"models/gemini-2.5-pro\","
        + "\"contents\":[]}", "x-goog-api-key", VALUE, "content-type", "application/json");
    assertThat(allowed.statusCode()).as(allowed.body()).isNotEqualTo(403);
    assertThat(h.fake.requests()).hasSize(1);
  }

  @Test
  void callsOfNoModelAreServedAndListsShowOnlyTheTokensModels() throws IOException {
    use(token("t-model-list", b -> b.models("gemini-2.5-pro")));
    HttpResponse<String> nativeList = h.get("/v1beta/models", "x-goog-api-key", VALUE);
    assertThat(nativeList.statusCode()).isEqualTo(200);
    JsonNode models = JSON.readTree(nativeList.body()).path("models");
    assertThat(models).hasSize(1);
    assertThat(models.get(0).path("name").asText()).isEqualTo("models/gemini-2.5-pro");
    HttpResponse<String> openAiList = h.get("/v1/models", "authorization", "Bearer " + VALUE);
    assertThat(openAiList.statusCode()).isEqualTo(200);
    // An alias is listed as the model it stands for is: "pro-alias" is, "fast" (gemini-2.5-flash) is not;
    // the virtual names of gemini-2.5-pro are that model with a tool or setting.
    assertThat(JSON.readTree(openAiList.body()).path("data")).extracting(m -> m.path("id").asText())
        .containsExactly("gemini-2.5-pro", "gemini-2.5-pro-search", "gemini-2.5-pro-non-thinking", "pro-alias");
    assertThat(JSON.readTree(h.get("/v1beta/models", "x-goog-api-key", GatewayHarness.CLIENT_TOKEN).body())
        .path("models").size()).as("ALLOWED_TOKENS see every model").isGreaterThan(1);
  }

  /** Where one model is looked up ({@code GET .../models/{id}}), and in which error shape. */
  private record Lookup(String prefix, String header, Surface shape) {
    static final List<Lookup> ALL = List.of(new Lookup("/v1beta/models/", "x-goog-api-key", Surface.NATIVE),
        new Lookup("/gemini/v1beta/models/", "x-goog-api-key", Surface.NATIVE),
        new Lookup("/gemini/v1/models/", "x-goog-api-key", Surface.NATIVE),
        new Lookup("/vertex-express/v1beta/models/", "x-goog-api-key", Surface.NATIVE),
        new Lookup("/v1/models/", "authorization", Surface.OPENAI),
        new Lookup("/hf/v1/models/", "authorization", Surface.OPENAI),
        new Lookup("/openai/v1/models/", "authorization", Surface.OPENAI));

    HttpResponse<String> get(String id, String value) {
      return h.get(prefix + id, header, header.equals("authorization") ? "Bearer " + value : value);
    }

    /** Google's OpenAI layer, asked for the id as sent: it knows no gateway alias. */
    boolean forwardedAsSent() {
      return prefix.startsWith("/openai/");
    }
  }

  /**
   * A single-model lookup shows a restricted token only what its lists show: a model left out is
   * refused 403 in the surface's shape, as using it would be, before any key is leased or anything
   * goes upstream; an alias counts as the model it stands for, in either name form.
   */
  @Test
  void aSingleModelLookupOfAModelTheTokensListHidesIs403() throws IOException {
    use(token("t-model-lookup", b -> b.models("gemini-2.5-pro")));
    for (Lookup lookup : Lookup.ALL) {
      List<String> hidden = new ArrayList<>(List.of("gemini-2.5-flash", "fast"));
      if (lookup.shape == Surface.OPENAI) {
        hidden.add("models/gemini-2.5-flash");
      }
      for (String id : hidden) {
        HttpResponse<String> refused = lookup.get(id, VALUE);
        assertThat(refused.statusCode()).as(lookup.prefix + id + ": " + refused.body()).isEqualTo(403);
        // Named as the client named it; an alias by the model it stands for.
        assertThat(lookup.shape.message(refused)).isEqualTo("token 'ci-bot' is not allowed to use model '"
            + (id.startsWith("models/") ? id : "gemini-2.5-flash") + "'");
        assertThat(lookup.shape.kind(refused)).isIn("PERMISSION_DENIED", "permission_error/permission_denied");
      }
      assertThat(h.fake.requests()).as(lookup.prefix + ": nothing upstream for a refused lookup").isEmpty();
      for (String id : List.of("gemini-2.5-pro", "pro-alias")) {
        if (lookup.forwardedAsSent() && id.equals("pro-alias")) {
          continue;
        }
        HttpResponse<String> allowed = lookup.get(id, VALUE);
        assertThat(allowed.statusCode()).as(lookup.prefix + id + ": " + allowed.body()).isEqualTo(200);
      }
      // A percent-encoded id is no well-formed model id on any surface: refused before any check.
      HttpResponse<String> encoded = lookup.get("gemini-2.5-%66lash", VALUE);
      assertThat(encoded.statusCode()).as(lookup.prefix + " percent-encoded: " + encoded.body()).isEqualTo(400);
      assertThat(lookup.get("gemini-2.5-flash", GatewayHarness.CLIENT_TOKEN).statusCode())
          .as(lookup.prefix + ": ALLOWED_TOKENS see it").isEqualTo(200);
      h.fake.reset();
    }
    use(token("t-model-lookup-all", b -> b));
    for (Lookup lookup : Lookup.ALL) {
      assertThat(lookup.get("gemini-2.5-flash", VALUE).statusCode()).as(lookup.prefix + ": a token of every model")
          .isEqualTo(200);
    }
    // Using the model on /openai/v1 is refused in the same shape as looking it up.
    use(token("t-model-lookup", b -> b.models("gemini-2.5-pro")));
    HttpResponse<String> chat = h.post("/openai/v1/chat/completions", Surface.OPENAI.body, "authorization",
        "Bearer " + VALUE, "content-type", "application/json");
    assertThat(chat.statusCode()).isEqualTo(403);
    assertThat(Surface.OPENAI.kind(chat)).isEqualTo("permission_error/permission_denied");
  }

  /**
   * A virtual name ({@code -search}, {@code -non-thinking}, the image chat model) is its base model
   * with a tool or setting: a token's list allows it when it allows that base or names it itself,
   * and the translated lists ({@code /v1}, {@code /hf/v1}), their lookups and a chat all agree. A
   * token given only virtual names gets no more than them, on the native surface either.
   */
  @Test
  void aVirtualNameIsAllowedByItsBaseModelOrByItsOwnNameInListsLookupsAndCalls() throws IOException {
    use(token("t-virtual-by-base", b -> b.models("gemini-2.5-pro", "imagen-4.0-generate-001")));
    List<String> byBase = List.of("gemini-2.5-pro", "gemini-2.5-pro-search", "gemini-2.5-pro-non-thinking",
        "pro-alias", "imagen-4.0-generate-001-chat");
    assertVirtualNames(byBase, List.of("gemini-2.5-flash-search", "gemini-2.5-flash-non-thinking"));

    use(token("t-virtual-by-name", b -> b.models("gemini-2.5-pro-search", "imagen-4.0-generate-001-chat")));
    assertVirtualNames(List.of("gemini-2.5-pro-search", "imagen-4.0-generate-001-chat"),
        List.of("gemini-2.5-pro", "gemini-2.5-pro-non-thinking", "pro-alias"));
    assertThat(JSON.readTree(h.get("/v1beta/models", "x-goog-api-key", VALUE).body()).path("models"))
        .as("the native list, which has no virtual names").isEmpty();
    HttpResponse<String> nativeCall = h.post(Surface.NATIVE.path.replace("flash", "pro"), Surface.NATIVE.body,
        "x-goog-api-key", VALUE, "content-type", "application/json");
    assertThat(nativeCall.statusCode()).as(nativeCall.body()).isEqualTo(403);
    assertThat(Surface.NATIVE.message(nativeCall)).isEqualTo(
        "token 'ci-bot' is not allowed to use model 'gemini-2.5-pro'");
    assertThat(h.get("/v1beta/models/gemini-2.5-pro", "x-goog-api-key", VALUE).statusCode()).isEqualTo(403);

    // A token of every model is unchanged: it sees and uses every virtual name.
    use(token("t-virtual-all", b -> b));
    assertThat(JSON.readTree(h.get("/v1/models", "authorization", "Bearer " + VALUE).body()).path("data"))
        .extracting(m -> m.path("id").asText()).containsAll(byBase).contains("gemini-2.5-flash-search");
    assertThat(chat("/v1/chat/completions", "gemini-2.5-flash-search").statusCode()).isEqualTo(200);
  }

  /**
   * The current token sees exactly {@code allowed} in the translated lists, may look each up and
   * chat with it (upstream on its base model), and is refused each of {@code refused} by name.
   */
  private static void assertVirtualNames(List<String> allowed, List<String> refused) throws IOException {
    h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200,
        "{\"predictions\":[{\"bytesBase64Encoded\":\"iVBORw0KGgo=\",\"mimeType\":\"image/png\"}]}"));
    for (String prefix : List.of("/v1/", "/hf/v1/")) {
      HttpResponse<String> list = h.get(prefix + "models", "authorization", "Bearer " + VALUE);
      assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
      assertThat(JSON.readTree(list.body()).path("data")).as(prefix).extracting(m -> m.path("id").asText())
          .containsExactlyElementsOf(allowed);
      for (String id : allowed) {
        HttpResponse<String> lookup = h.get(prefix + "models/" + id, "authorization", "Bearer " + VALUE);
        assertThat(lookup.statusCode()).as(prefix + id + ": " + lookup.body()).isEqualTo(200);
        if (!id.equals("pro-alias")) {
          HttpResponse<String> chat = chat(prefix + "chat/completions", id);
          assertThat(chat.statusCode()).as(prefix + id + " chat: " + chat.body()).isEqualTo(200);
        }
      }
      for (String id : refused) {
        String message = "token 'ci-bot' is not allowed to use model '" + (id.equals("pro-alias") ? "gemini-2.5-pro" : id)
            + "'";
        HttpResponse<String> lookup = h.get(prefix + "models/" + id, "authorization", "Bearer " + VALUE);
        assertThat(lookup.statusCode()).as(prefix + id + ": " + lookup.body()).isEqualTo(403);
        assertThat(Surface.OPENAI.message(lookup)).isEqualTo(message);
        HttpResponse<String> chat = chat(prefix + "chat/completions", id);
        assertThat(chat.statusCode()).as(prefix + id + " chat: " + chat.body()).isEqualTo(403);
        assertThat(Surface.OPENAI.message(chat)).isEqualTo(message);
      }
    }
    // The Responses API names models as chat does.
    String first = allowed.get(0);
    HttpResponse<String> response = h.post("/v1/responses", "{\"model\":\"" + first + "\",\"input\":\"hi\"}",
        "authorization", "Bearer " + VALUE, "content-type", "application/json");
    assertThat(response.statusCode()).as(first + " response: " + response.body()).isEqualTo(200);
    assertThat(h.fake.requests()).as("only allowed calls went upstream, each on its base model")
        .extracting(r -> r.path()).allMatch(path -> path.contains("/models/gemini-2.5-pro:")
            || path.contains("/models/imagen-4.0-generate-001:") || path.endsWith("/models"));
    h.fake.reset();
  }

  private static HttpResponse<String> chat(String path, String model) {
    return h.post(path, "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "authorization", "Bearer " + VALUE, "content-type", "application/json");
  }

  /**
   * An alias may bear the name of a model Google lists (an admin pinning {@code gemini-2.5-flash}
   * to another model): every list then matches that entry by the model it stands for, as the
   * lookup and the use do, so no list shows a token a model it is refused.
   */
  @Test
  void anAliasNamedAsAListedModelIsListedByTheModelItStandsFor() throws IOException {
    h.fake.on(r -> r.path().equals("/v1beta/openai/models"), Replies.json(200, "{\"object\":\"list\",\"data\":["
        + "{\"id\":\"models/gemini-2.5-flash\",\"object\":\"model\",\"owned_by\":\"google\"},"
        + "{\"id\":\"models/gemini-2.5-pro\",\"object\":\"model\",\"owned_by\":\"google\"}]}"));
    assertThat(h.putConfig("{\"MODEL_ALIASES\":{\"gemini-2.5-flash\":\"gemini-2.5-pro\"}}").statusCode())
        .isEqualTo(200);
    try {
      use(token("t-pinned-alias", b -> b.models("gemini-2.5-flash")));
      HttpResponse<String> lookup = h.get("/v1beta/models/gemini-2.5-flash", "x-goog-api-key", VALUE);
      assertThat(lookup.statusCode()).as(lookup.body()).isEqualTo(403);
      assertThat(JSON.readTree(h.get("/v1beta/models", "x-goog-api-key", VALUE).body()).path("models"))
          .as("the native list").isEmpty();
      assertThat(JSON.readTree(h.get("/openai/v1/models", "authorization", "Bearer " + VALUE).body()).path("data"))
          .as("Google's OpenAI-compatible list").isEmpty();
      // The virtual names of gemini-2.5-flash are no alias: they stand for Google's gemini-2.5-flash,
      // which the token's list names, so they are listed and looked up as a chat on them is let through.
      assertThat(JSON.readTree(h.get("/v1/models", "authorization", "Bearer " + VALUE).body()).path("data"))
          .as("the translated OpenAI list").extracting(m -> m.path("id").asText())
          .containsExactly("gemini-2.5-flash-search", "gemini-2.5-flash-non-thinking");
      assertThat(h.get("/v1/models/gemini-2.5-flash-search", "authorization", "Bearer " + VALUE).statusCode())
          .isEqualTo(200);
    } finally {
      assertThat(h.putConfig("{\"MODEL_ALIASES\":{\"fast\":\"gemini-2.5-flash\",\"pro-alias\":\"gemini-2.5-pro\"}}")
          .statusCode()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(Surface.class)
  void requestsPerMinuteAndPerDayAre429WithRetryAfter(Surface surface) throws IOException {
    ManagedTokens.awayFromMinuteEnd();
    use(token("t-rpm-" + surface, b -> b.limits(new TokenLimits(2L, null, null, null, null))));
    assertThat(call(surface, VALUE).statusCode()).isEqualTo(200);
    assertThat(call(surface, VALUE).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = call(surface, VALUE);
    assertThat(refused.statusCode()).isEqualTo(429);
    long retryAfter = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(surface.message(refused)).contains("token 'ci-bot' is over its limit of 2 requests per minute");
    if (surface == Surface.OPENAI) {
      assertThat(surface.kind(refused)).isEqualTo("rate_limit_error/token_rate_limit_exceeded");
    }
    assertThat(h.fake.requests()).hasSize(2);

    use(token("t-rpd-" + surface, b -> b.limits(new TokenLimits(null, 1L, null, null, null))));
    assertThat(call(surface, VALUE).statusCode()).isEqualTo(200);
    HttpResponse<String> daily = call(surface, VALUE);
    assertThat(daily.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(daily.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 86_400L);
    assertThat(surface.message(daily)).contains("over its limit of 1 requests per day");
  }

  /**
   * The surfaces whose answers report their usage to the attempt log (the native relay does not
   * yet: usage capture there is issue 20's other part).
   */
  @ParameterizedTest
  @EnumSource(value = Surface.class, names = {"OPENAI", "ANTHROPIC"})
  void tokensPerMinuteAndPerDayCountWhatAnswersUsed(Surface surface) throws IOException, InterruptedException {
    // Each answer reports 3 prompt and 4 output tokens: the first one goes over a limit of 5.
    ManagedTokens.awayFromMinuteEnd();
    use(token("t-tpm-" + surface, b -> b.limits(new TokenLimits(null, null, 5L, null, null))));
    assertThat(call(surface, VALUE).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = untilRefused(surface);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("retry-after")).isPresent();
    assertThat(surface.message(refused)).contains("over its limit of 5 tokens per minute");

    use(token("t-tpd-" + surface, b -> b.limits(new TokenLimits(null, null, null, 5L, null))));
    assertThat(call(surface, VALUE).statusCode()).isEqualTo(200);
    HttpResponse<String> daily = untilRefused(surface);
    assertThat(daily.statusCode()).isEqualTo(429);
    assertThat(surface.message(daily)).contains("over its limit of 5 tokens per day");
  }

  /** Tokens are charged as the answer is logged, which may come just after the client has it. */
  private static HttpResponse<String> untilRefused(Surface surface) throws InterruptedException {
    HttpResponse<String> response = call(surface, VALUE);
    for (int i = 0; i < 50 && response.statusCode() == 200; i++) {
      Thread.sleep(50);
      response = call(surface, VALUE);
    }
    return response;
  }

  @Test
  void aConcurrencySlotIsHeldWhileStreamingAndFreedWhenTheClientLeaves() throws Exception {
    ClientToken token = token("t-conc", b -> b.limits(new TokenLimits(null, null, null, null, 1)));
    use(token);
    h.fake.on(r -> r.path().endsWith(":streamGenerateContent"),
        Replies.sse(List.of(Replies.chunk("a"), Replies.chunk("b"), Replies.finalChunk("c")), 60_000));
    LocalTokenLimiter limiter = (LocalTokenLimiter) h.gateway.tokenLimiter();
    try (RawHttp stream = RawHttp.open(h.gateway.port())) {
      String body = Surface.NATIVE.body;
      stream.send("POST /v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nx-goog-api-key: " + VALUE + "\r\ncontent-type: application/json\r\n"
          + "content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
      byte[] head = new byte[12];
      assertThat(stream.in.readNBytes(head, 0, 12)).isEqualTo(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      assertThat(limiter.inProgress("t-conc")).isEqualTo(1);
      for (Surface surface : Surface.values()) {
        HttpResponse<String> refused = call(surface, VALUE);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).contains("1");
        assertThat(surface.message(refused)).contains("over its limit of 1 requests at once");
      }
    }
    for (int i = 0; i < 100 && limiter.inProgress("t-conc") > 0; i++) {
      Thread.sleep(50);
    }
    assertThat(limiter.inProgress("t-conc")).isZero();
    h.fake.reset();
    assertThat(call(Surface.OPENAI, VALUE).statusCode()).isEqualTo(200);
    // Released as the response ends on the server, which may be just after the client read it.
    for (int i = 0; i < 100 && limiter.inProgress("t-conc") > 0; i++) {
      Thread.sleep(50);
    }
    assertThat(limiter.inProgress("t-conc")).isZero();
  }
  /**
   * A slot is given back however the request ends before an answer: a body declared too large, a
   * malformed body, a client that leaves half-way through its body, or one that leaves while the
   * gateway waits for Google.
   */
  @ParameterizedTest
  @EnumSource(Surface.class)
  void aConcurrencySlotIsGivenBackWhenTheRequestEndsBeforeAnAnswer(Surface surface) throws Exception {
    String id = "t-conc-early-" + surface;
    use(token(id, b -> b.limits(new TokenLimits(null, null, null, null, 1))));
    LocalTokenLimiter limiter = (LocalTokenLimiter) h.gateway.tokenLimiter();
    String head = "POST " + surface.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + surface.header + ": "
        + surface.credential(VALUE) + "\r\ncontent-type: application/json\r\n";

    RawHttp.Answer tooLarge = RawHttp.exchange(h.gateway.port(), "POST", surface.path, null, surface.header,
        surface.credential(VALUE), "content-type", "application/json", "content-length", "999999999999");
    assertThat(tooLarge.status()).isEqualTo(413);
    freed(limiter, id);

    HttpResponse<String> malformed = h.post(surface.path, "{not json", surface.header, surface.credential(VALUE),
        "content-type", "application/json");
    // The native surface passes the body to Google as it is (the fake answers it); the others read it.
    assertThat(malformed.statusCode()).isEqualTo(surface == Surface.NATIVE ? 200 : 400);
    freed(limiter, id);

    try (RawHttp partial = RawHttp.open(h.gateway.port())) {
      partial.send(head + "content-length: 1000\r\n\r\n{\"contents\":");
      waitFor(limiter, id, 1);
    }
    freed(limiter, id);

    // The native malformed body above reached the fake: forget it, so the wait below sees this request.
    h.fake.reset();
    h.fake.on(r -> true, Replies.hang());
    try (RawHttp waiting = RawHttp.open(h.gateway.port())) {
      waiting.send(head + "content-length: " + surface.body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n"
          + surface.body);
      for (int i = 0; i < 100 && h.fake.requests().isEmpty(); i++) {
        Thread.sleep(50);
      }
      assertThat(h.fake.requests()).isNotEmpty();
      assertThat(limiter.inProgress(id)).isEqualTo(1);
    }
    freed(limiter, id);
    h.fake.reset();
    assertThat(call(surface, VALUE).statusCode()).isEqualTo(200);
  }

  private static void waitFor(LocalTokenLimiter limiter, String id, long count) throws InterruptedException {
    for (int i = 0; i < 100 && limiter.inProgress(id) != count; i++) {
      Thread.sleep(50);
    }
    assertThat(limiter.inProgress(id)).isEqualTo(count);
  }

  private static void freed(LocalTokenLimiter limiter, String id) throws InterruptedException {
    waitFor(limiter, id, 0);
  }
}
