package io.geminibalance.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads settings from a {@code .env} file and the process environment; the environment wins, as
 * with docker's {@code --env-file} plus {@code -e}.
 */
public final class EnvSource {
  private EnvSource() {}

  /** The merged view: {@code .env} in {@code dir} (if present) overlaid by {@code environment}. */
  public static Map<String, String> load(Path dir, Map<String, String> environment) {
    Map<String, String> merged = new HashMap<>(readDotEnv(dir.resolve(".env")));
    merged.putAll(environment);
    return merged;
  }

  static Map<String, String> readDotEnv(Path file) {
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Parses dotenv lines: {@code KEY=value}, optional {@code export}, quotes, {@code #} comments. */
  static Map<String, String> parse(List<String> lines) {
    Map<String, String> values = new HashMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring(7).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      values.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
    }
    return values;
  }

  private static String unquote(String value) {
    if (value.length() >= 2) {
      char first = value.charAt(0);
      if ((first == '"' || first == '\'') && value.charAt(value.length() - 1) == first) {
        return value.substring(1, value.length() - 1);
      }
    }
    // An unquoted value ends at an inline comment (" #"), as in most dotenv dialects.
    int comment = value.indexOf(" #");
    return comment >= 0 ? value.substring(0, comment).strip() : value;
  }
}
