package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/gemini-balance stops the JVM on OutOfMemoryError, so that a supervisor restarts it instead
 * of a process limping on with threads that died. The launcher runs a tiny jar compiled here whose
 * worker thread allocates until the heap is exhausted while its main thread lives on, as a
 * server's would: with the launcher's default options the JVM terminates; without them the
 * process would go on.
 */
class LauncherOomTest {
  private static final String SOURCE = """
      public class Hog {
        public static void main(String[] args) throws Exception {
          Thread hog = new Thread(() -> {
            java.util.List<long[]> held = new java.util.ArrayList<>();
            while (true) {
              held.add(new long[1 << 20]);
            }
          }, "hog");
          hog.start();
          Thread.sleep(120_000);
        }
      }
      """;

  @Test
  void outOfMemoryErrorEndsTheProcess(@TempDir Path dir) throws Exception {
    Path jar = hogJar(dir);
    ProcessBuilder builder = new ProcessBuilder("bash", Path.of("bin/gemini-balance").toAbsolutePath().toString())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
    builder.environment().remove("JAVA_OPTS");
    builder.environment().put("GEMINI_BALANCE_JAR", jar.toString());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    try {
      boolean exited = process.waitFor(30, TimeUnit.SECONDS);
      String output = Files.readString(dir.resolve("out.txt"));
      assertThat(exited).as("the JVM ended within 30 s; output: " + output).isTrue();
      assertThat(process.exitValue()).isNotZero();
      assertThat(output).contains("Terminating due to java.lang.OutOfMemoryError");
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void benchmarkRunsTheSameOption() throws IOException {
    List<String> options = Files.readAllLines(Path.of("bench/jvm.opts")).stream()
        .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    assertThat(options).contains("-XX:+ExitOnOutOfMemoryError");
  }

  private static Path hogJar(Path dir) throws IOException {
    Path src = dir.resolve("Hog.java");
    Files.writeString(src, SOURCE);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    int status = compiler.run(null, null, null, "-d", classes.toString(), src.toString());
    assertThat(status).as("javac").isZero();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Hog");
    Path jar = dir.resolve("hog.jar");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (String name : List.of("Hog.class")) {
        out.putNextEntry(new JarEntry(name));
        out.write(Files.readAllBytes(classes.resolve(name)));
        out.closeEntry();
      }
    }
    return jar;
  }
}
