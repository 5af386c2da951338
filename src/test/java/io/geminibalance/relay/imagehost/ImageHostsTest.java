package io.geminibalance.relay.imagehost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** UPLOAD_PROVIDER and its settings to a provider, or to none with the missing settings named. */
class ImageHostsTest {

  private static ImageHosts.Choice choose(Map<String, String> raw) {
    return ImageHosts.from(new ConfigValues(raw));
  }

  @Test
  void noProviderByDefault() {
    ImageHosts.Choice choice = choose(Map.of());
    assertThat(choice.provider()).isEmpty();
    assertThat(choice.missing()).isEmpty();
  }

  @Test
  void anIncompleteProviderIsNoneAndNamesWhatIsMissing() {
    assertThat(choose(Map.of("UPLOAD_PROVIDER", "smms")).missing()).containsExactly("SMMS_SECRET_TOKEN");
    assertThat(choose(Map.of("UPLOAD_PROVIDER", "cloudflare_imgbed", "CLOUDFLARE_IMGBED_URL", "https://i.example"))
        .missing()).containsExactly("CLOUDFLARE_IMGBED_AUTH_CODE");
    ImageHosts.Choice oss = choose(Map.of("UPLOAD_PROVIDER", "aliyun_oss", "OSS_ACCESS_KEY", "id"));
    assertThat(oss.provider()).isEmpty();
    assertThat(oss.missing()).containsExactly("OSS_ACCESS_KEY_SECRET", "OSS_BUCKET_NAME", "OSS_ENDPOINT");
  }

  /**
   * A provider's secret never shows in its text form (a log line or an assertion message naming the
   * provider or the choice), as the storage settings' password does not: records print every field.
   */
  @Test
  void aProvidersTextFormNamesNoSecret() {
    Map<String, Map<String, String>> configs = Map.of(
        "s3cr3t-smms", Map.of("UPLOAD_PROVIDER", "smms", "SMMS_SECRET_TOKEN", "s3cr3t-smms"),
        "s3cr3t-picgo", Map.of("UPLOAD_PROVIDER", "picgo", "PICGO_API_KEY", "s3cr3t-picgo"),
        "s3cr3t-imgbed", Map.of("UPLOAD_PROVIDER", "cloudflare_imgbed", "CLOUDFLARE_IMGBED_URL",
            "https://i.example/upload", "CLOUDFLARE_IMGBED_AUTH_CODE", "s3cr3t-imgbed"),
        "s3cr3t-oss", Map.of("UPLOAD_PROVIDER", "aliyun_oss", "OSS_ACCESS_KEY", "LTAIkeyid",
            "OSS_ACCESS_KEY_SECRET", "s3cr3t-oss", "OSS_BUCKET_NAME", "pics", "OSS_REGION", "cn-hangzhou"));
    configs.forEach((secret, raw) -> {
      ImageHosts.Choice choice = choose(raw);
      assertThat(choice.provider()).as(raw.get("UPLOAD_PROVIDER")).isPresent();
      assertThat(choice.toString()).contains(choice.provider().get().name()).doesNotContain(secret);
      assertThat(choice.provider().get().toString()).doesNotContain(secret);
    });
  }

  @Test
  void anUnknownProviderIsASettingsError() {
    assertThatThrownBy(() -> choose(Map.of("UPLOAD_PROVIDER", "imgur"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("UPLOAD_PROVIDER");
  }

  @Test
  void ossUploadsToTheInnerEndpointAndLinksToThePublicOne() {
    HostProvider provider = choose(Map.of("UPLOAD_PROVIDER", "aliyun_oss", "OSS_ACCESS_KEY", "id",
        "OSS_ACCESS_KEY_SECRET", "secret", "OSS_BUCKET_NAME", "pics", "OSS_REGION", "cn-hangzhou",
        "OSS_ENDPOINT_INNER", "oss-cn-hangzhou-internal.aliyuncs.com")).provider().orElseThrow();
    HostRequest request = provider.request(new byte[] {1, 2, 3}, "image/png", "2026/12/06/ab.png",
        Instant.parse("2026-12-06T10:00:00Z"));
    assertThat(request.uri().toString())
        .isEqualTo("https://pics.oss-cn-hangzhou-internal.aliyuncs.com/2026/12/06/ab.png");
    assertThat(request.headers().get("date")).isEqualTo("Sun, 6 Dec 2026 10:00:00 GMT");
    assertThat(request.headers().get("x-oss-object-acl")).isEqualTo("public-read");
    String toSign = OssSignature.stringToSign("PUT", request.headers().get("content-md5"), "image/png",
        request.headers().get("date"), Map.of("x-oss-object-acl", "public-read"), "/pics/2026/12/06/ab.png");
    assertThat(request.headers().get("authorization")).isEqualTo(OssSignature.authorization("id", "secret", toSign));
    assertThat(provider.url(200, new byte[0], "2026/12/06/ab.png"))
        .isEqualTo("https://pics.oss-cn-hangzhou.aliyuncs.com/2026/12/06/ab.png");
  }

  @Test
  void fileNamesAreDatedWithARandomHexNameAndTheTypesExtension() {
    assertThat(ImageFileNames.of(Instant.parse("2026-01-02T03:04:05Z"), "image/jpeg"))
        .matches("2026/01/02/[0-9a-f]{16}\\.jpg");
    assertThat(ImageFileNames.of(Instant.parse("2026-01-02T03:04:05Z"), "image/png")).endsWith(".png");
  }
}
