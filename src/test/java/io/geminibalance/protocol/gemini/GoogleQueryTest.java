package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoogleQueryTest {

  @Test
  void onlyTheExactUnencodedKeyParameterIsTheCredential() {
    assertThat(GoogleQuery.apiKey("key=tok-1")).isEqualTo("tok-1");
    assertThat(GoogleQuery.apiKey("alt=sse&key=tok%2D1")).isEqualTo("tok-1");
    assertThat(GoogleQuery.apiKey("key=&key=second")).isEqualTo("second");
    assertThat(GoogleQuery.apiKey("KEY=tok-1")).isNull();
    assertThat(GoogleQuery.apiKey("Key=tok-1")).isNull();
    assertThat(GoogleQuery.apiKey("%6Bey=tok-1")).isNull();
    assertThat(GoogleQuery.apiKey("%6B%65%79=tok-1")).isNull();
    assertThat(GoogleQuery.apiKey("$key=tok-1")).isNull();
    assertThat(GoogleQuery.apiKey("keys=tok-1&mykey=x")).isNull();
    assertThat(GoogleQuery.apiKey("key")).isNull();
    assertThat(GoogleQuery.apiKey("")).isNull();
    assertThat(GoogleQuery.apiKey(null)).isNull();
    assertThat(GoogleQuery.apiKey("key=bad%zzescape")).isEqualTo("bad%zzescape");
    // Not stripped: Google refuses a key with whitespace around it, so the gateway does too.
    assertThat(GoogleQuery.apiKey("key=%20tok-1")).isEqualTo(" tok-1");
    assertThat(GoogleQuery.apiKey("key=tok-1+")).isEqualTo("tok-1 ");
    assertThat(GoogleQuery.apiKey("key=%09tok-1%0A")).isEqualTo("\ttok-1\n");
    assertThat(GoogleQuery.apiKey("key=%20&key=second")).as("a blank value is skipped").isEqualTo("second");
  }

  @Test
  void credentialParametersAreDroppedInAnyCaseAndEncoding() {
    for (String name : new String[] {"key", "KEY", "Key", "%6Bey", "%6B%65%79", "k%65y", "%4B%45%59", "%256Bey",
        "$key", "%24key", "%24KEY", "access_token", "ACCESS_TOKEN", "%61ccess_token", "access%5Ftoken",
        "oauth_token", "bearer_token", "passwd", "password", "userProject", "$userProject", "%24httpMethod",
        "key%20", "+key"}) {
      assertThat(GoogleQuery.withoutCredentials("alt=sse&" + name + "=secret-1&x=1"))
          .as(name).isEqualTo("alt=sse&x=1");
      assertThat(GoogleQuery.withoutCredentials(name + "=secret-1")).as(name).isEmpty();
      assertThat(GoogleQuery.withoutCredentials(name)).as(name).isEmpty();
    }
  }

  @Test
  void everythingElseIsKeptByteForByte() {
    String query = "pageSize=10&pageToken=a%2Fb%3D%3D&x=%6Bey&keys=1&monkey=2&k=v&&$fields=a,b&alt=sse&";
    assertThat(GoogleQuery.withoutCredentials(query)).isSameAs(query);
    assertThat(GoogleQuery.withoutCredentials("a=1&key=x&b=%20&KEY=y;c=2&access_token=z"))
        .isEqualTo("a=1&b=%20;c=2");
    assertThat(GoogleQuery.withoutCredentials("key=x&a=1;b=2")).isEqualTo("a=1;b=2");
    assertThat(GoogleQuery.withoutCredentials("a=1;key=x")).isEqualTo("a=1");
    assertThat(GoogleQuery.withoutCredentials("%zz=1&%6=2&key=x")).isEqualTo("%zz=1&%6=2");
    assertThat(GoogleQuery.withoutCredentials("")).isEmpty();
    assertThat(GoogleQuery.withoutCredentials(null)).isEmpty();
  }
}
