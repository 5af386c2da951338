package io.geminibalance.relay;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.GatewayConfig;

/**
 * How much the gateway downloads for the image URLs of OpenAI messages: each URL makes the
 * gateway hold the image, so a few short URLs could otherwise make it hold gigabytes.
 *
 * @param perRequest distinct URLs one request may make the gateway download (MAX_IMAGE_DOWNLOADS;
 *     0 refuses image URLs)
 * @param requestBytes bytes downloaded for one request in all (MAX_IMAGE_DOWNLOAD_MB); one image
 *     may use all of it
 * @param gatewayDownloads downloads in progress at once across all requests
 *     (GATEWAY_IMAGE_DOWNLOADS); more wait for a free one
 * @param gatewayBytes downloaded bytes the gateway holds at once across all requests, from the
 *     download until Google has the request (GATEWAY_IMAGE_DOWNLOAD_MB)
 */
public record ImageLimits(int perRequest, long requestBytes, int gatewayDownloads, long gatewayBytes) {
  private static final long MIB = 1024L * 1024;

  /** Downloads of one request run this many at a time: more adds connections, not speed. */
  static final int PER_REQUEST_CONCURRENCY = 4;

  /** @throws ConfigException naming a bad setting */
  public static ImageLimits from(GatewayConfig config) {
    var v = config.values();
    int requestMb = v.integer("MAX_IMAGE_DOWNLOAD_MB");
    int gatewayMb = v.integer("GATEWAY_IMAGE_DOWNLOAD_MB");
    if (gatewayMb < requestMb) {
      throw new ConfigException("GATEWAY_IMAGE_DOWNLOAD_MB", Integer.toString(gatewayMb),
          "at least MAX_IMAGE_DOWNLOAD_MB (" + requestMb + "), or a request at that cap could never be served");
    }
    return new ImageLimits(v.integer("MAX_IMAGE_DOWNLOADS"), requestMb * MIB,
        v.integer("GATEWAY_IMAGE_DOWNLOADS"), gatewayMb * MIB);
  }
}
