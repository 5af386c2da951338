package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

/** The CSRF decision on its own: which calls with a session cookie may change anything. */
class CsrfCheckTest {
  private static final String OWN = "https://gw.example.com:8443";
  private static final String TOKEN = "Zx3k9_-abcdefghijklmnopqrstuvwxyz0123456789";

  @Test
  void onlyGetHeadAndOptionsAreNotStateChanging() {
    assertThat(HttpMethod.values()).filteredOn(CsrfCheck::stateChanging)
        .contains(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)
        .doesNotContain(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  }

  @Test
  void thePagesOwnCallPassesWithOrWithoutTheBrowsersAccountOfItsOrigin() {
    assertThat(CsrfCheck.refusal(TOKEN, OWN, "same-origin", TOKEN, OWN)).isNull();
    assertThat(CsrfCheck.refusal(TOKEN, "HTTPS://GW.example.com:8443", " Same-Origin ", TOKEN, OWN)).isNull();
    assertThat(CsrfCheck.refusal(TOKEN, null, null, TOKEN, OWN)).as("older browsers send neither").isNull();
  }

  @Test
  void aDefaultPortWrittenOutIsTheSameOriginButAnotherPortIsNot() {
    assertThat(CsrfCheck.refusal(TOKEN, "https://gw.example.com", null, TOKEN, "https://gw.example.com:443")).isNull();
    assertThat(CsrfCheck.refusal(TOKEN, "http://gw.example.com:80", null, TOKEN, "http://gw.example.com")).isNull();
    assertThat(CsrfCheck.refusal(TOKEN, "http://gw.example.com", null, TOKEN, "http://gw.example.com:443"))
        .contains("not this gateway's own origin");
    assertThat(CsrfCheck.refusal(TOKEN, "https://gw.example.com:80", null, TOKEN, "https://gw.example.com"))
        .contains("not this gateway's own origin");
  }

  @Test
  void theTokenMustBeThereAndMatchExactly() {
    assertThat(CsrfCheck.refusal(null, OWN, "same-origin", TOKEN, OWN)).startsWith("X-CSRF-Token missing");
    assertThat(CsrfCheck.refusal("  ", OWN, "same-origin", TOKEN, OWN)).startsWith("X-CSRF-Token missing");
    assertThat(CsrfCheck.refusal(TOKEN.substring(1), OWN, "same-origin", TOKEN, OWN)).contains("does not match");
    assertThat(CsrfCheck.refusal(TOKEN.toUpperCase(), OWN, "same-origin", TOKEN, OWN)).contains("does not match");
  }

  @Test
  void anotherOriginOrSiteIsRefusedEvenWithTheToken() {
    assertThat(CsrfCheck.refusal(TOKEN, "https://evil.example", null, TOKEN, OWN))
        .startsWith("Origin 'https://evil.example' is not this gateway's own origin (" + OWN + ")");
    assertThat(CsrfCheck.refusal(TOKEN, "https://gw.example.com", null, TOKEN, OWN)).as("another port")
        .contains("not this gateway's own origin");
    assertThat(CsrfCheck.refusal(TOKEN, "http://gw.example.com:8443", null, TOKEN, OWN)).as("another scheme")
        .contains("not this gateway's own origin");
    assertThat(CsrfCheck.refusal(TOKEN, "null", null, TOKEN, OWN)).contains("Origin 'null'");
    assertThat(CsrfCheck.refusal(TOKEN, OWN, "same-site", TOKEN, OWN)).startsWith("Sec-Fetch-Site is 'same-site'");
    assertThat(CsrfCheck.refusal(TOKEN, OWN, "cross-site", TOKEN, OWN)).startsWith("Sec-Fetch-Site is 'cross-site'");
    assertThat(CsrfCheck.refusal(TOKEN, OWN, "none", TOKEN, OWN)).as("typed into the address bar, not a page call")
        .startsWith("Sec-Fetch-Site is 'none'");
    assertThat(CsrfCheck.crossSite(OWN, null, null)).as("own origin unknown (no Host)").isNotNull();
    assertThat(CsrfCheck.crossSite("https://gw.example.com", null, "http://gw.example.com"))
        .as("a TLS proxy the gateway does not trust").endsWith("List it in TRUSTED_PROXIES so that its"
            + " X-Forwarded-Proto (and X-Forwarded-Host) are believed.");
    assertThat(CsrfCheck.crossSite("https://gw.example.com", null, "https://10.0.0.5:8000"))
        .as("a proxy that rewrites Host").contains("It must pass on the host the browser used");
  }
}
