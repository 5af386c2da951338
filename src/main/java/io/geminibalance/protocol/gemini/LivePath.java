package io.geminibalance.protocol.gemini;

import java.util.List;

/**
 * The Live API's WebSocket paths: {@code /ws/google.ai.generativelanguage.<version>.GenerativeService.BidiGenerateContent}
 * for the versions Google serves it under, as Google's SDKs build it (the Java SDK and the JS SDK
 * append {@code /ws/...} to the base URL, so a base URL ending in {@code /} gives {@code //ws/...}).
 * Exactly these raw paths, with one or two leading slashes, are the Live API; any other spelling
 * that only normalises to one ({@code ///ws/...}, {@code /x/../ws/...}, {@code /%77s/...}) is not.
 */
public final class LivePath {
  /** The API versions that have the Live endpoint, in the order the routes are added. */
  public static final List<String> VERSIONS = List.of("v1beta", "v1alpha");

  private static final String PREFIX = "/ws/google.ai.generativelanguage.";
  private static final String SUFFIX = ".GenerativeService.BidiGenerateContent";

  private LivePath() {}

  /** The path of the Live endpoint of {@code version}, as routed and as sent upstream. */
  public static String path(String version) {
    return PREFIX + version + SUFFIX;
  }

  /**
   * The API version the raw request path names, or {@code null} when it is not exactly a Live
   * path (with {@code /} or {@code //} in front).
   */
  public static String version(String rawPath) {
    if (rawPath == null) {
      return null;
    }
    int start = rawPath.startsWith("//") ? 1 : 0;
    if (!rawPath.startsWith(PREFIX, start) || !rawPath.endsWith(SUFFIX)) {
      return null;
    }
    int versionEnd = rawPath.length() - SUFFIX.length();
    int versionStart = start + PREFIX.length();
    if (versionEnd <= versionStart) {
      return null;
    }
    for (String version : VERSIONS) {
      if (version.length() == versionEnd - versionStart && rawPath.startsWith(version, versionStart)) {
        return version;
      }
    }
    return null;
  }
}
