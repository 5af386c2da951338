package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Query credentials: only {@code ?key=} authenticates, and no credential parameter goes upstream. */
class QueryCredentialsTest {
  private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  @Test
  void otherSpellingsOfKeyDoNotAuthenticate() {
    for (String name : new String[] {"KEY", "Key", "%6Bey", "%6B%65%79", "k%65y", "$key", "%24key", "access_token"}) {
      HttpResponse<String> r = h.post(GENERATE + "?" + name + "=" + CLIENT_TOKEN, "{}");
      assertThat(r.statusCode()).as(name).isEqualTo(401);
      assertThat(r.body()).as(name).contains("UNAUTHENTICATED").doesNotContain(CLIENT_TOKEN);
    }
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void credentialParametersAreNeverForwardedAndTheRestIsKeptByteForByte() {
    String query = "alt=sse&KEY=" + CLIENT_TOKEN + "&foo=a%20b+c&%6Bey=" + CLIENT_TOKEN + "&k%65y=" + CLIENT_TOKEN
        + "&%6B%65%79=" + CLIENT_TOKEN + "&%24key=" + CLIENT_TOKEN + "&ACCESS_TOKEN=" + CLIENT_TOKEN
        + "&access_token=ya29.x&$userProject=other-project&x=%6Bey;key=" + CLIENT_TOKEN;
    assertThat(h.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=" + CLIENT_TOKEN + "&" + query,
        "{}").statusCode()).isEqualTo(200);
    assertThat(h.post(GENERATE + "?" + query, "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(h.get("/openai/v1/models?" + query, "authorization", "Bearer " + CLIENT_TOKEN).statusCode())
        .isEqualTo(200);
    assertThat(h.fake.requests()).hasSize(3);
    for (Recorded upstream : h.fake.requests()) {
      assertThat(upstream.query()).isEqualTo("alt=sse&foo=a%20b+c&x=%6Bey");
      assertThat(upstream.headers().toString()).doesNotContain(CLIENT_TOKEN);
    }
  }
}
