package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.protocol.gemini.ResourcePath.Verb;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourcePathTest {

  @ParameterizedTest(name = "{0} {1} -> {2} {3} root={4} upstream={5}")
  @CsvSource({
      "GET, files, FILE, LIST, , /files",
      "GET, files/abc-123, FILE, GET, files/abc-123, /files/abc-123",
      "DELETE, files/abc, FILE, DELETE, files/abc, /files/abc",
      "GET, files/abc:download, FILE, DOWNLOAD, files/abc, /files/abc:download",
      "POST, cachedContents, CACHED_CONTENT, CREATE, , /cachedContents",
      "GET, cachedContents, CACHED_CONTENT, LIST, , /cachedContents",
      "PATCH, cachedContents/c1, CACHED_CONTENT, UPDATE, cachedContents/c1, /cachedContents/c1",
      "GET, batches/b_1, BATCH, GET, batches/b_1, /batches/b_1",
      "POST, batches/b1:cancel, BATCH, ACTION, batches/b1, /batches/b1:cancel",
      "GET, batches, BATCH, LIST, , /batches",
      "GET, operations/op1, OPERATION, GET, operations/op1, /operations/op1",
      "GET, models/veo-3.0-generate-001/operations/xyz, OPERATION, GET, models/veo-3.0-generate-001/operations/xyz,"
          + " /models/veo-3.0-generate-001/operations/xyz",
      "POST, fileSearchStores, FILE_SEARCH_STORE, CREATE, , /fileSearchStores",
      "POST, fileSearchStores/s1:importFile, FILE_SEARCH_STORE, ACTION, fileSearchStores/s1,"
          + " /fileSearchStores/s1:importFile",
      "GET, fileSearchStores/s1/documents, FILE_SEARCH_STORE, GET, fileSearchStores/s1, /fileSearchStores/s1/documents",
      "DELETE, fileSearchStores/s1/documents/d1, FILE_SEARCH_STORE, DELETE, fileSearchStores/s1,"
          + " /fileSearchStores/s1/documents/d1",
      "GET, fileSearchStores/s1/operations/o1, FILE_SEARCH_STORE, GET, fileSearchStores/s1,"
          + " /fileSearchStores/s1/operations/o1",
      "GET, fileSearchStores/s1/upload/operations/o1, FILE_SEARCH_STORE, GET, fileSearchStores/s1,"
          + " /fileSearchStores/s1/upload/operations/o1",
      "POST, interactions, INTERACTION, CREATE, , /interactions",
      "POST, interactions/i1:cancel, INTERACTION, ACTION, interactions/i1, /interactions/i1:cancel",
      "DELETE, interactions/i1, INTERACTION, DELETE, interactions/i1, /interactions/i1",
  })
  void allowed(String method, String path, ResourceKind kind, Verb verb, String root, String upstream) {
    NativePath parsed = NativePath.parse(method, path);
    assertThat(parsed).isInstanceOf(NativePath.Resource.class);
    NativePath.Resource resource = (NativePath.Resource) parsed;
    assertThat(resource.kind()).isEqualTo(kind);
    assertThat(resource.verb()).isEqualTo(verb);
    assertThat(resource.root()).isEqualTo(root);
    assertThat(resource.upstreamPath()).isEqualTo(upstream);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "POST, files, 404",
      "PUT, files/abc, 404",
      "PATCH, batches/b1, 404",
      "POST, batches/b1:delete, 404",
      "GET, batches/b1:cancel, 404",
      "POST, files/abc:download, 404",
      "GET, cachedContents/c1/extra, 404",
      "DELETE, fileSearchStores/s1/documents, 404",
      "GET, fileSearchStores/s1/other/x, 404",
      "GET, tunedModels/t1, 404",
      "GET, models/m1/operations, 404",
      "GET, files/ab.c, 400",
      "GET, files/ab~c, 400",
      "GET, models/bad name/operations/x, 400",
      "GET, batches/b1/, 400",
  })
  void refused(String method, String path, int status) {
    NativePath parsed = NativePath.parse(method, path);
    assertThat(parsed).isInstanceOf(NativePath.Rejected.class);
    assertThat(((NativePath.Rejected) parsed).status()).isEqualTo(status);
  }

  @org.junit.jupiter.api.Test
  void overlongIdsAreRefusedWithoutQuotingThemWhole() {
    String id = "a".repeat(ResourcePath.MAX_ID + 1);
    NativePath parsed = NativePath.parse("GET", "files/" + id);
    assertThat(parsed).isInstanceOf(NativePath.Rejected.class);
    assertThat(((NativePath.Rejected) parsed).message()).contains("at most 256").doesNotContain(id);
  }
}
