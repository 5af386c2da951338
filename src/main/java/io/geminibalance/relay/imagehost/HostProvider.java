package io.geminibalance.relay.imagehost;

import java.time.Instant;

/**
 * One image host's wire protocol, without I/O: the request that uploads an image and the URL read
 * from the host's answer. {@link HttpImageHost} sends the request, with timeouts, a cap on the
 * answer and one retry, for every provider alike.
 */
public sealed interface HostProvider
    permits SmmsProvider, PicgoProvider, CloudflareImgbedProvider, AliyunOssProvider {

  /** gemini-balance's name of the provider. */
  String name();

  /** The upload of {@code bytes} as {@code fileName} ({@code YYYY/MM/DD/<hex>.<ext>}) at {@code now}. */
  HostRequest request(byte[] bytes, String mimeType, String fileName, Instant now);

  /**
   * The image's URL from the host's answer.
   *
   * @throws UploadRefused when the answer holds none
   */
  String url(int status, byte[] body, String fileName);

  /**
   * The text form of a provider: its name and the host it uploads to, never its credentials (a
   * record would print every field, the secret too, into whatever log line names it).
   */
  static String describe(HostProvider provider, java.net.URI target) {
    return provider.name() + "[" + target.getHost() + ", credentials hidden]";
  }
}
