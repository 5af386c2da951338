package io.geminibalance.protocol.gemini;

import java.util.Map;
import java.util.Set;

/**
 * The allow-list of resource paths other than models: files, cached contents, batches,
 * operations, file search stores and interactions, with the HTTP methods and actions each has
 * (see {@link #parse}). Identifiers are letters, digits, {@code -} and {@code _}, at most {@value
 * #MAX_ID} characters; anything else is refused before it could reach upstream.
 */
public final class ResourcePath {
  static final int MAX_ID = 256;

  /** What a request does with a resource. */
  public enum Verb {
    /** {@code GET collection}: answered from the gateway's records. */
    LIST,
    /** {@code POST collection}: a new resource on a key in rotation (or the key its body names). */
    CREATE,
    GET,
    /** {@code PATCH}: changes the resource. */
    UPDATE,
    DELETE,
    /** {@code POST name:action} ({@code :cancel}, {@code :importFile}). */
    ACTION,
    /** {@code GET files/{id}:download}: the file's bytes. */
    DOWNLOAD
  }

  /** Collections a client may create in directly (others are created by model methods or uploads). */
  private static final Set<ResourceKind> CREATABLE =
      Set.of(ResourceKind.CACHED_CONTENT, ResourceKind.FILE_SEARCH_STORE, ResourceKind.INTERACTION);
  /** {@code POST name:action} by kind. */
  private static final Map<ResourceKind, Set<String>> ACTIONS = Map.of(
      ResourceKind.BATCH, Set.of("cancel"),
      ResourceKind.OPERATION, Set.of("cancel"),
      ResourceKind.INTERACTION, Set.of("cancel"),
      ResourceKind.FILE_SEARCH_STORE, Set.of("importFile"));

  private ResourcePath() {}

  /**
   * Decides {@code resource} (the path below the version, without its leading {@code /}, already
   * checked to be plain segments) for {@code httpMethod}, or returns null when its first segment is
   * no resource collection (the caller answers 404).
   */
  static NativePath parse(String httpMethod, String resource) {
    String[] segments = resource.split("/", -1);
    if (segments[0].equals("models")) {
      return modelOperation(httpMethod, resource, segments);
    }
    ResourceKind kind = ResourceKind.ofCollection(segments[0]);
    if (kind == null) {
      return null;
    }
    if (segments.length == 1) {
      return switch (httpMethod) {
        case "GET" -> new NativePath.Resource(kind, Verb.LIST, null, resource, null);
        case "POST" -> CREATABLE.contains(kind)
            ? new NativePath.Resource(kind, Verb.CREATE, null, resource, null) : unknown(httpMethod, resource);
        default -> unknown(httpMethod, resource);
      };
    }
    String last = segments[segments.length - 1];
    int colon = last.indexOf(':');
    String action = colon < 0 ? null : last.substring(colon + 1);
    if (colon >= 0) {
      segments[segments.length - 1] = last.substring(0, colon);
    }
    for (int i = 1; i < segments.length; i++) {
      NativePath.Rejected bad = idProblem(segments[i]);
      if (bad != null) {
        return bad;
      }
    }
    String root = segments[0] + "/" + segments[1];
    String path = colon < 0 ? resource : resource.substring(0, resource.length() - action.length() - 1);
    if (segments.length == 2) {
      return item(httpMethod, kind, root, path, action, resource);
    }
    if (kind == ResourceKind.FILE_SEARCH_STORE && action == null && storeChild(segments)) {
      boolean documentItem = segments.length == 4 && segments[2].equals("documents");
      boolean readOnly = !segments[2].equals("documents") || segments.length == 3;
      if (httpMethod.equals("GET") || (httpMethod.equals("DELETE") && documentItem && !readOnly)) {
        return new NativePath.Resource(kind, httpMethod.equals("GET") ? Verb.GET : Verb.DELETE, root, path, null);
      }
    }
    return unknown(httpMethod, resource);
  }

  /** {@code fileSearchStores/{s}/documents[/{d}]}, {@code .../operations/{o}}, {@code .../upload/operations/{o}}. */
  private static boolean storeChild(String[] s) {
    return switch (s.length) {
      case 3 -> s[2].equals("documents");
      case 4 -> s[2].equals("documents") || s[2].equals("operations");
      case 5 -> s[2].equals("upload") && s[3].equals("operations");
      default -> false;
    };
  }

  private static NativePath item(String httpMethod, ResourceKind kind, String root, String path, String action,
      String resource) {
    if (action != null) {
      if (kind == ResourceKind.FILE && action.equals("download") && httpMethod.equals("GET")) {
        return new NativePath.Resource(kind, Verb.DOWNLOAD, root, path, action);
      }
      boolean allowed = httpMethod.equals("POST") && ACTIONS.getOrDefault(kind, Set.of()).contains(action);
      return allowed ? new NativePath.Resource(kind, Verb.ACTION, root, path, action) : unknown(httpMethod, resource);
    }
    return switch (httpMethod) {
      case "GET" -> new NativePath.Resource(kind, Verb.GET, root, path, null);
      case "DELETE" -> new NativePath.Resource(kind, Verb.DELETE, root, path, null);
      case "PATCH" -> kind == ResourceKind.CACHED_CONTENT
          ? new NativePath.Resource(kind, Verb.UPDATE, root, path, null) : unknown(httpMethod, resource);
      default -> unknown(httpMethod, resource);
    };
  }

  /** {@code GET models/{m}/operations/{id}}: a Veo operation, recorded under its full name. */
  private static NativePath modelOperation(String httpMethod, String resource, String[] segments) {
    if (segments.length != 4 || !segments[2].equals("operations") || !httpMethod.equals("GET")) {
      return null;
    }
    String modelProblem = ModelIdSyntax.problem(segments[1], 0, segments[1].length());
    if (modelProblem != null) {
      return new NativePath.Rejected(400, "Invalid model name in path: " + modelProblem, "model");
    }
    NativePath.Rejected bad = idProblem(segments[3]);
    return bad != null ? bad : new NativePath.Resource(ResourceKind.OPERATION, Verb.GET, resource, resource, null);
  }

  private static NativePath.Rejected idProblem(String id) {
    if (id.isEmpty() || id.length() > MAX_ID) {
      return new NativePath.Rejected(400, "Invalid resource id in path: " + (id.isEmpty() ? "empty"
          : id.length() + " characters (at most " + MAX_ID + ")"), "path");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return new NativePath.Rejected(400, "Invalid resource id in path: " + PathSegments.describe(c)
            + " at " + i + " of " + PathSegments.quote(id, 0, id.length())
            + " (expected letters, digits, '-' and '_')", "path");
      }
    }
    return null;
  }

  private static NativePath.Rejected unknown(String httpMethod, String resource) {
    return new NativePath.Rejected(404, "Unknown native path: " + httpMethod + " /"
        + PathSegments.excerpt(resource, 0, resource.length()), "path");
  }
}
