package io.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages form no cycle (ARCHITECTURE.md), and config, which every module reads its settings
 * from, depends on none of them. Read from the sources: imports and fully qualified names.
 */
class PackageGraphTest {
  private static final Path MAIN = Path.of("src/main/java/io/geminibalance");
  private static final Pattern REFERENCE = Pattern.compile("io\\.geminibalance\\.([a-z]+)\\.[A-Za-z]");

  @Test
  void thePackageGraphHasNoCycle() {
    Map<String, Set<String>> graph = graph();
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      for (String next : graph.get(start)) {
        if (reaches(graph, next, start, new TreeSet<>())) {
          cycles.add(start + " -> " + next + " -> ... -> " + start);
        }
      }
    }
    assertThat(graph).containsKeys("config", "keypool", "storage", "server", "app");
    assertThat(cycles).as("package dependencies that lead back to where they started").isEmpty();
  }

  @Test
  void configDependsOnNoOtherPackage() {
    assertThat(graph().get("config")).isEmpty();
  }

  private static boolean reaches(Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
    if (from.equals(target)) {
      return true;
    }
    if (!seen.add(from)) {
      return false;
    }
    return graph.getOrDefault(from, Set.of()).stream().anyMatch(next -> reaches(graph, next, target, seen));
  }

  private static Map<String, Set<String>> graph() {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
        String pkg = MAIN.relativize(file).getName(0).toString();
        if (pkg.endsWith(".java")) {
          return;
        }
        Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(read(file));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            uses.add(m.group(1));
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
