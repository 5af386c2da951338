package io.geminibalance.relay.imagehost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Aliyun's own V1 header-signature example (its documentation's PUT of /oss-example/nelson). */
class OssSignatureTest {

  @Test
  void theDocumentedExampleSignsAsAliyunSays() {
    String toSign = OssSignature.stringToSign("PUT", "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=", "text/html",
        "Thu, 17 Nov 2005 18:49:58 GMT", Map.of("X-OSS-Meta-Author", "foo@bar.com", "X-OSS-Magic", "abracadabra"),
        "/oss-example/nelson");
    assertThat(toSign).isEqualTo("PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\n"
        + "Thu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson");
    assertThat(OssSignature.authorization("44CF9590006BF252F707", "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", toSign))
        .isEqualTo("OSS 44CF9590006BF252F707:26NBxoKdsyly4EDv6inkoDft/yA=");
  }

  @Test
  void headersThatAreNotOssOnesAreNotSigned() {
    assertThat(OssSignature.stringToSign("GET", "", "", "D", Map.of("Content-Length", "3"), "/b/o"))
        .isEqualTo("GET\n\n\nD\n/b/o");
  }
}
