package io.geminibalance.protocol.gemini;

/**
 * The kinds of stateful Gemini resources the gateway records, each under the collection name
 * Google uses as the first segment of its resource names. A resource belongs to the key (the
 * Google project) that created it: sent with another key it is a 403 or 404 at Google.
 */
public enum ResourceKind {
  /** {@code files/{id}}: uploads, and files Google generates (Veo videos, batch results). */
  FILE("files", "files"),
  CACHED_CONTENT("cachedContents", "cachedContents"),
  /** {@code batches/{id}}; Google lists them as long-running operations. */
  BATCH("batches", "operations"),
  /** Long-running operations: {@code operations/{id}} and {@code models/{m}/operations/{id}} (Veo). */
  OPERATION("operations", "operations"),
  FILE_SEARCH_STORE("fileSearchStores", "fileSearchStores"),
  INTERACTION("interactions", "interactions");

  private static final ResourceKind[] ALL = values();

  private final String collection;
  private final String listField;

  ResourceKind(String collection, String listField) {
    this.collection = collection;
    this.listField = listField;
  }

  /** The collection segment of the kind's names: {@code cachedContents}. */
  public String collection() {
    return collection;
  }

  /** The array's field in Google's list answer for the collection. */
  public String listField() {
    return listField;
  }

  /** The kind whose collection is exactly {@code segment}, or null. */
  public static ResourceKind ofCollection(String segment) {
    for (ResourceKind kind : ALL) {
      if (kind.collection.equals(segment)) {
        return kind;
      }
    }
    return null;
  }

  /**
   * The kind of a full resource name ({@code batches/123}, {@code models/veo-2/operations/x}), or
   * null when it names none the gateway records.
   */
  public static ResourceKind ofName(String name) {
    int slash = name.indexOf('/');
    if (slash <= 0) {
      return null;
    }
    if (name.startsWith("models/")) {
      return name.indexOf("/operations/", slash) > 0 ? OPERATION : null;
    }
    return ofCollection(name.substring(0, slash));
  }
}
