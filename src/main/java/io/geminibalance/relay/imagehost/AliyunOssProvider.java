package io.geminibalance.relay.imagehost;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/**
 * Aliyun OSS: a {@code PUT} of the object, signed with the V1 header signature
 * ({@link OssSignature}), {@code x-oss-object-acl: public-read}, to the bucket's virtual host.
 *
 * @param uploadBase where the object is put ({@code https://<bucket>.<OSS_ENDPOINT_INNER or OSS_ENDPOINT>})
 * @param publicBase where the link points ({@code https://<bucket>.<OSS_ENDPOINT>})
 */
public record AliyunOssProvider(URI uploadBase, URI publicBase, String bucket, String accessKeyId,
    String accessKeySecret) implements HostProvider {

  @Override
  public String name() {
    return "aliyun_oss";
  }

  @Override
  public String toString() {
    return HostProvider.describe(this, uploadBase);
  }

  @Override
  public HostRequest request(byte[] bytes, String mimeType, String fileName, Instant now) {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC));
    String md5 = md5(bytes);
    Map<String, String> ossHeaders = Map.of("x-oss-object-acl", "public-read");
    String toSign = OssSignature.stringToSign("PUT", md5, mimeType, date, ossHeaders, "/" + bucket + "/" + fileName);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", mimeType).add("content-md5", md5)
        .add("date", date).add("x-oss-object-acl", "public-read")
        .add("authorization", OssSignature.authorization(accessKeyId, accessKeySecret, toSign));
    return new HostRequest(HttpMethod.PUT, URI.create(uploadBase + "/" + fileName), headers, Buffer.buffer(bytes));
  }

  @Override
  public String url(int status, byte[] body, String fileName) {
    if (status != 200) {
      throw new UploadRefused("HTTP " + status + " from OSS");
    }
    return publicBase + "/" + fileName;
  }

  private static String md5(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every Java runtime", e);
    }
  }
}
