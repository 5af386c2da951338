package io.geminibalance.storage;

/**
 * The kinds of stateful Gemini resources the gateway records, each under the collection name
 * Google uses as the first segment of its resource names. A resource belongs to the key (the
 * Google project) that created it: sent with another key it is a 403 or 404 at Google.
 */
public enum ResourceKind {
  /** {@code files/{id}}: uploads, and files Google generates (Veo videos, batch results). Kept in {@code t_file_records}. */
  FILE("files"),
  CACHED_CONTENT("cachedContents"),
  BATCH("batches"),
  /** Long-running operations: {@code operations/{id}} and {@code models/{m}/operations/{id}} (Veo). */
  OPERATION("operations"),
  FILE_SEARCH_STORE("fileSearchStores"),
  INTERACTION("interactions");

  private final String collection;

  ResourceKind(String collection) {
    this.collection = collection;
  }

  /** The collection segment of the kind's names: {@code cachedContents}. */
  public String collection() {
    return collection;
  }
}
