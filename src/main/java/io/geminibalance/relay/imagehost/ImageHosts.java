package io.geminibalance.relay.imagehost;

import io.geminibalance.config.ConfigValues;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image host UPLOAD_PROVIDER names, built from gemini-balance's settings for it. A provider
 * whose settings are incomplete is no host at all (answers carry data URLs), with the names of
 * the missing settings for one WARN line.
 */
public final class ImageHosts {
  private ImageHosts() {}

  /**
   * What the settings configure.
   *
   * @param provider the host's protocol, or empty
   * @param missing the settings a chosen provider lacks (empty when it has all, or none is chosen)
   */
  public record Choice(Optional<HostProvider> provider, String chosen, List<String> missing) {}

  /** @throws io.geminibalance.config.ConfigException for an unknown UPLOAD_PROVIDER */
  public static Choice from(ConfigValues values) {
    String chosen = values.choice("UPLOAD_PROVIDER");
    List<String> missing = new ArrayList<>();
    Optional<HostProvider> provider = switch (chosen) {
      case "smms" -> {
        String token = required(values, "SMMS_SECRET_TOKEN", missing);
        yield missing.isEmpty() ? Optional.of(new SmmsProvider(SmmsProvider.DEFAULT_URL, token)) : Optional.empty();
      }
      case "picgo" -> {
        String key = required(values, "PICGO_API_KEY", missing);
        String url = required(values, "PICGO_API_URL", missing);
        yield missing.isEmpty() ? Optional.of(new PicgoProvider(URI.create(url), key)) : Optional.empty();
      }
      case "cloudflare_imgbed" -> {
        String url = required(values, "CLOUDFLARE_IMGBED_URL", missing);
        String code = required(values, "CLOUDFLARE_IMGBED_AUTH_CODE", missing);
        yield missing.isEmpty() ? Optional.of(new CloudflareImgbedProvider(URI.create(url), code,
            values.string("CLOUDFLARE_IMGBED_UPLOAD_FOLDER"))) : Optional.empty();
      }
      case "aliyun_oss" -> aliyun(values, missing);
      default -> Optional.empty();
    };
    return new Choice(provider, chosen, List.copyOf(missing));
  }

  /**
   * OSS: the endpoint is OSS_ENDPOINT, or the region's public one when only OSS_REGION is set;
   * uploads go to OSS_ENDPOINT_INNER when set (inside Aliyun's network), links use the public one.
   * An endpoint may name its scheme ({@code http://...}); without one it is https.
   */
  private static Optional<HostProvider> aliyun(ConfigValues values, List<String> missing) {
    String key = required(values, "OSS_ACCESS_KEY", missing);
    String secret = required(values, "OSS_ACCESS_KEY_SECRET", missing);
    String bucket = required(values, "OSS_BUCKET_NAME", missing);
    String endpoint = values.string("OSS_ENDPOINT");
    String region = values.string("OSS_REGION");
    if (endpoint == null && region != null) {
      endpoint = "oss-" + region.strip() + ".aliyuncs.com";
    }
    if (endpoint == null) {
      missing.add("OSS_ENDPOINT");
    }
    if (!missing.isEmpty()) {
      return Optional.empty();
    }
    String inner = values.string("OSS_ENDPOINT_INNER");
    URI publicBase = bucketBase(bucket, endpoint);
    return Optional.of(new AliyunOssProvider(inner == null ? publicBase : bucketBase(bucket, inner), publicBase,
        bucket, key, secret));
  }

  private static URI bucketBase(String bucket, String endpoint) {
    String host = endpoint.strip();
    String scheme = "https";
    int sep = host.indexOf("://");
    if (sep > 0) {
      scheme = host.substring(0, sep);
      host = host.substring(sep + 3);
    }
    while (host.endsWith("/")) {
      host = host.substring(0, host.length() - 1);
    }
    return URI.create(scheme + "://" + bucket + "." + host);
  }

  private static String required(ConfigValues values, String name, List<String> missing) {
    String value = values.string(name);
    if (value == null || value.isBlank()) {
      missing.add(name);
      return null;
    }
    return value.strip();
  }
}
