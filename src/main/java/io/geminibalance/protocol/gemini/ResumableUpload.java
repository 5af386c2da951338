package io.geminibalance.protocol.gemini;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Google's resumable upload protocol as the gateway reads it, pure: the commands a client may
 * send, the offsets and sizes it declares, the gateway's upload ids, and where Google's media
 * endpoints are relative to BASE_URL.
 *
 * <p>An upload starts with {@code X-Goog-Upload-Command: start} on {@code /upload/{version}/files};
 * Google answers with {@code X-Goog-Upload-URL}, where the bytes then go in chunks, each with
 * {@code X-Goog-Upload-Command: upload} (or {@code upload, finalize} for the last, or a separate
 * {@code finalize}) and {@code X-Goog-Upload-Offset}; {@code query} asks how much arrived,
 * {@code cancel} drops the session. Downloads are under {@code /download/{version}/...}.
 */
public final class ResumableUpload {
  /** Longest decimal size or offset read: 18 digits stay below {@link Long#MAX_VALUE}. */
  private static final int MAX_DIGITS = 18;
  /** The gateway's upload ids: 43 base64url characters (256 random bits). */
  private static final int UPLOAD_ID_CHARS = 43;

  private ResumableUpload() {}

  /** A client's request at an upload URL the gateway handed out. */
  public enum Command {
    UPLOAD(true, false),
    UPLOAD_FINALIZE(true, true),
    FINALIZE(false, true),
    QUERY(false, false),
    CANCEL(false, false);

    private final boolean carriesBytes;
    private final boolean finalizes;

    Command(boolean carriesBytes, boolean finalizes) {
      this.carriesBytes = carriesBytes;
      this.finalizes = finalizes;
    }

    /** Whether the request's body holds file bytes (and an offset says where they go). */
    public boolean carriesBytes() {
      return carriesBytes;
    }

    /** Whether Google closes the upload with it, answering with the resource it made. */
    public boolean finalizes() {
      return finalizes;
    }

    /** Needs {@code X-Goog-Upload-Offset}. */
    public boolean needsOffset() {
      return carriesBytes || finalizes;
    }

    /** As sent upstream. */
    public String header() {
      return switch (this) {
        case UPLOAD -> "upload";
        case UPLOAD_FINALIZE -> "upload, finalize";
        case FINALIZE -> "finalize";
        case QUERY -> "query";
        case CANCEL -> "cancel";
      };
    }
  }

  /** A request the protocol refuses; {@code status} is 400, or 413 for a size over the limit. */
  public static final class Refused extends Exception {
    private final int status;

    public Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** Whether {@code X-Goog-Upload-Command} asks to start an upload. */
  public static boolean isStart(String header) {
    return header != null && header.strip().equalsIgnoreCase("start");
  }

  /**
   * The command of a request at an upload URL: {@code upload}, {@code finalize}, both (in either
   * order, comma-separated), {@code query} or {@code cancel}.
   */
  public static Command command(String header) throws Refused {
    if (header == null || header.isBlank()) {
      throw new Refused(400, "Missing X-Goog-Upload-Command: send upload, 'upload, finalize', finalize,"
          + " query or cancel.");
    }
    boolean upload = false;
    boolean finalize = false;
    boolean query = false;
    boolean cancel = false;
    String[] parts = header.split(",", 4);
    if (parts.length > 2) {
      throw new Refused(400, "X-Goog-Upload-Command " + PathSegments.quote(header, 0, header.length())
          + " has too many parts.");
    }
    for (String part : parts) {
      switch (part.strip().toLowerCase(Locale.ROOT)) {
        case "upload" -> upload = true;
        case "finalize" -> finalize = true;
        case "query" -> query = parts.length == 1;
        case "cancel" -> cancel = parts.length == 1;
        case "start" -> throw new Refused(400, "X-Goog-Upload-Command: start is sent to /upload/v1beta/files,"
            + " not to an upload URL.");
        default -> {
          // below
        }
      }
    }
    if (query) {
      return Command.QUERY;
    }
    if (cancel) {
      return Command.CANCEL;
    }
    if (upload && finalize && parts.length == 2) {
      return Command.UPLOAD_FINALIZE;
    }
    if (parts.length == 1 && upload) {
      return Command.UPLOAD;
    }
    if (parts.length == 1 && finalize) {
      return Command.FINALIZE;
    }
    throw new Refused(400, "X-Goog-Upload-Command " + PathSegments.quote(header, 0, header.length())
        + " is not one of upload, 'upload, finalize', finalize, query, cancel.");
  }

  /**
   * A non-negative decimal header value ({@code X-Goog-Upload-Offset}, a declared size), or -1
   * when absent and {@code required} is false.
   */
  public static long size(String name, String value, boolean required) throws Refused {
    if (value == null || value.isBlank()) {
      if (required) {
        throw new Refused(400, "Missing " + name + ": a whole number of bytes is required.");
      }
      return -1;
    }
    String digits = value.strip();
    if (digits.length() > MAX_DIGITS || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new Refused(400, name + " " + PathSegments.quote(digits, 0, digits.length())
          + " is not a whole number of bytes.");
    }
    return Long.parseLong(digits);
  }

  /** Whether {@code id} has the shape of an upload id the gateway issues (base64url, 256 bits). */
  public static boolean plausibleUploadId(String id) {
    if (id == null || id.length() != UPLOAD_ID_CHARS) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** The value of the first {@code upload_id} query parameter as sent (ids need no decoding), or null. */
  public static String uploadId(String rawQuery) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&", 32)) {
      if (pair.startsWith("upload_id=")) {
        return pair.substring("upload_id=".length());
      }
    }
    return null;
  }

  /** The upload URL handed to the client: the gateway's origin, its own id, never a key or token. */
  public static String gatewayUploadUrl(String origin, String uploadId) {
    return origin + "/upload/v1beta/files?upload_id=" + uploadId + "&upload_protocol=resumable";
  }

  /**
   * Where Google's media endpoints are, from BASE_URL: its origin, then whatever path comes before
   * the API version (a proxy's prefix, usually nothing), then {@code /upload} or
   * {@code /download}, then the version. {@code https://generativelanguage.googleapis.com/v1beta}
   * gives {@code /upload/v1beta/files}.
   *
   * @param baseUrl BASE_URL
   */
  public record MediaRoot(String prefix, String version) {
    public static MediaRoot of(URI baseUrl) {
      String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      int slash = path.lastIndexOf('/');
      String version = slash >= 0 ? path.substring(slash + 1) : "";
      return version.isEmpty() ? new MediaRoot(path, "v1beta") : new MediaRoot(path.substring(0, slash), version);
    }

    /** Where an upload to the Files API starts. */
    public String filesUpload() {
      return prefix + "/upload/" + version + "/files";
    }

    /** Where an upload into a file search store starts ({@code store} is its checked id). */
    public String storeUpload(String store) {
      return prefix + "/upload/" + version + "/fileSearchStores/" + PathSegments.encode(store)
          + ":uploadToFileSearchStore";
    }

    /** A file's bytes ({@code fileId} is its checked id); the query {@code alt=media} goes with it. */
    public String download(String fileId) {
      return prefix + "/download/" + version + "/files/" + PathSegments.encode(fileId) + ":download";
    }

    /**
     * Google's {@code X-Goog-Upload-URL} as a path and query below BASE_URL's origin: only path
     * and query are kept, so the chunks go to the upstream the gateway is configured with, and
     * a credential in its query is dropped. Null when it is not a URL with a path.
     */
    public String uploadTarget(String googleUploadUrl) {
      if (googleUploadUrl == null || googleUploadUrl.isBlank()) {
        return null;
      }
      URI url;
      try {
        url = new URI(googleUploadUrl.strip());
      } catch (URISyntaxException e) {
        return null;
      }
      String path = url.getRawPath();
      if (path == null || !path.startsWith("/") || PathSegments.problem(path, 1) != null) {
        return null;
      }
      if (!prefix.isEmpty() && !path.startsWith(prefix + "/")) {
        path = prefix + path;
      }
      String query = GoogleQuery.withoutCredentials(url.getRawQuery());
      return query == null || query.isEmpty() ? path : path + "?" + query;
    }
  }
}
