package io.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.config.SettingsCatalog;
import io.geminibalance.testing.GatewayHarness;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Dockerfile and docker-compose.yml, checked as far as they can be without Docker (which these
 * machines do not have): the Dockerfile's stages, pinned images, user, ports, health check and the
 * files it copies; compose's services, the gateway's variables (each a setting of the catalogue or
 * a variable the image documents), health-gated start order and stop grace. The health check
 * script itself runs against a real gateway.
 */
class DockerFilesTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  /** Variables the image reads besides the gateway's settings: the launcher's (bin/gemini-balance). */
  private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS", "GEMINI_BALANCE_JAR");
  /** What the official MariaDB image reads (the MYSQL_ spellings are its documented aliases). */
  private static final Set<String> MARIADB_VARIABLES = Set.of("MYSQL_RANDOM_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD",
      "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE", "MARIADB_AUTO_UPGRADE");

  /** One instruction: its keyword (upper case) and the rest of its line, continuation lines joined. */
  record Instruction(String keyword, String args) {}

  /** A stage: its image, its name (or null) and its instructions after FROM. */
  record Stage(String image, String name, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Instruction one(String keyword) {
      List<Instruction> found = all(keyword);
      assertThat(found).as(keyword + " in the stage FROM " + image).hasSize(1);
      return found.get(0);
    }
  }

  static List<Stage> stages(String dockerfile) {
    List<Stage> stages = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String raw : dockerfile.split("\n", -1)) {
      String trimmed = raw.strip();
      if (line.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (!line.isEmpty() && trimmed.startsWith("#")) {
        continue; // a comment inside a continued instruction
      }
      if (trimmed.endsWith("\\")) {
        line.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      line.append(trimmed);
      String text = line.toString().strip();
      line.setLength(0);
      int space = text.indexOf(' ');
      String keyword = text.substring(0, space).toUpperCase(java.util.Locale.ROOT);
      String args = text.substring(space + 1).strip();
      if (keyword.equals("FROM")) {
        String[] parts = args.split("\\s+");
        stages.add(new Stage(parts[0], parts.length == 3 && parts[1].equalsIgnoreCase("AS") ? parts[2] : null,
            new ArrayList<>()));
      } else {
        assertThat(stages).as("an instruction before the first FROM: " + text).isNotEmpty();
        stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, args));
      }
    }
    return stages;
  }

  /** The items of an exec form ({@code ["a", "b"]}). */
  static List<String> execForm(String args) {
    assertThat(args).as("exec form").startsWith("[").endsWith("]");
    List<String> items = new ArrayList<>();
    Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(args);
    while (m.find()) {
      items.add(m.group(1));
    }
    return items;
  }

  /** COPY's sources and destination, without its flags. */
  static List<String> copyOperands(Instruction copy) {
    return List.of(copy.args().split("\\s+")).stream().filter(a -> !a.startsWith("--")).toList();
  }

  private static String read(String file) throws IOException {
    return Files.readString(ROOT.resolve(file));
  }

  private static String portDefault() {
    return SettingsCatalog.definition("PORT").defaultValue();
  }

  @Test
  void theDockerfileBuildsWithTheWrapperAndRunsTheLauncherOnAJreAsAnUnprivilegedUser() throws IOException {
    List<Stage> stages = stages(read("Dockerfile"));
    assertThat(stages).hasSize(2);
    Stage build = stages.get(0);
    Stage run = stages.get(1);
    for (Stage stage : stages) {
      assertThat(stage.image()).as("pinned to a tag").matches("[a-z0-9./-]+:[A-Za-z0-9._-]+")
          .doesNotEndWith(":latest");
    }
    assertThat(build.name()).isEqualTo("build");
    assertThat(build.image()).startsWith("eclipse-temurin:").contains("-jdk");
    List<String> runs = build.all("RUN").stream().map(Instruction::args).toList();
    assertThat(runs).as("dependencies cached in a layer of their own, then the package")
        .containsExactly("./mvnw -B -q dependency:go-offline", "./mvnw -B -q -DskipTests package");
    assertThat(javaMajor(run.image())).isGreaterThanOrEqualTo(21);
    assertThat(run.image()).contains("-jre");

    // The files copied from the build context exist and are not excluded by .dockerignore.
    List<String> ignored = read(".dockerignore").lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    for (Stage stage : stages) {
      for (Instruction copy : stage.all("COPY")) {
        if (copy.args().contains("--from=")) {
          continue;
        }
        List<String> operands = copyOperands(copy);
        for (String source : operands.subList(0, operands.size() - 1)) {
          assertThat(ROOT.resolve(source)).as("COPY source " + source).exists();
          assertThat(ignored).as(source + " must reach the build").noneMatch(pattern -> excludes(pattern, source));
        }
      }
    }

    // The jar the build stage makes is the one the runtime stage copies and the launcher runs.
    String workdir = build.one("WORKDIR").args();
    String finalName = matchOne("<finalName>([^<]+)</finalName>", read("pom.xml"));
    Instruction jarCopy = run.all("COPY").stream().filter(c -> c.args().contains("--from=build")).findFirst()
        .orElseThrow();
    List<String> jar = copyOperands(jarCopy);
    assertThat(jar.get(0)).isEqualTo(workdir + "/target/" + finalName + ".jar");
    assertThat(run.all("ENV")).extracting(Instruction::args).contains("GEMINI_BALANCE_JAR=" + jar.get(1));
    assertThat(read("bin/gemini-balance")).contains("${GEMINI_BALANCE_JAR:-");

    // Launcher and health check come from bin/, executable.
    String binDir = copyOperands(run.all("COPY").stream().filter(c -> c.args().startsWith("bin/")).findFirst()
        .orElseThrow()).getLast();
    List<String> entrypoint = execForm(run.one("ENTRYPOINT").args());
    assertThat(entrypoint).containsExactly(binDir + "gemini-balance");
    assertExecutableInRepo(entrypoint.get(0), binDir);

    String health = run.one("HEALTHCHECK").args();
    assertThat(health).contains("--interval=", "--timeout=");
    List<String> probe = execForm(health.substring(health.indexOf("CMD") + 3).strip());
    assertThat(probe).containsExactly(binDir + "healthcheck");
    assertExecutableInRepo(probe.get(0), binDir);
    assertThat(read("bin/healthcheck")).contains("GET /health ", "${PORT:-" + portDefault() + "}", " 200");

    assertThat(run.one("EXPOSE").args()).isEqualTo(portDefault());
    assertThat(run.one("WORKDIR").args()).isEqualTo("/app");
    // SQLITE_DATABASE's bare name lives under data/ of the working directory.
    assertThat(run.one("VOLUME").args()).isEqualTo("/app/data");
    String user = run.one("USER").args();
    assertThat(user).isNotIn("root", "0", "0:0");
    assertThat(run.all("RUN").get(0).args()).contains("useradd", user).contains("chown " + user);
    int userAt = run.instructions().indexOf(run.one("USER"));
    assertThat(userAt).as("USER before the entry point").isLessThan(run.instructions().indexOf(run.one("ENTRYPOINT")));
  }

  private static int javaMajor(String image) {
    return Integer.parseInt(matchOne(":(\\d+)", image));
  }

  private static String matchOne(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex).isTrue();
    return m.group(1);
  }

  /** A .dockerignore line that excludes {@code source} (names, folders and "*.ext" only, as used here). */
  private static boolean excludes(String pattern, String source) {
    String p = pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
    if (p.startsWith("*")) {
      return source.endsWith(p.substring(1));
    }
    if (p.endsWith("*")) {
      return source.startsWith(p.substring(0, p.length() - 1));
    }
    return source.equals(p) || source.startsWith(p + "/");
  }

  private static void assertExecutableInRepo(String imagePath, String binDir) {
    Path file = ROOT.resolve("bin").resolve(imagePath.substring(binDir.length()));
    assertThat(file).exists();
    assertThat(Files.isExecutable(file)).as(file + " executable").isTrue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeRunsTheGatewayOnMariaDbAndRedisWithGeminiBalancesVariableNames() throws IOException {
    Map<String, Object> compose;
    try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
      compose = new Yaml().load(reader);
    }
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    assertThat(services).containsOnlyKeys("gemini-balance", "mariadb", "redis");
    Map<String, Object> gateway = services.get("gemini-balance");
    Map<String, Object> mariadb = services.get("mariadb");
    Map<String, Object> redis = services.get("redis");

    assertThat(gateway.get("build")).isEqualTo(".");
    assertThat(List.of(mariadb.get("image"), redis.get("image"))).allSatisfy(image ->
        assertThat((String) image).matches("[a-z0-9./-]+:[A-Za-z0-9._-]+").doesNotEndWith(":latest"));

    Map<String, Object> env = (Map<String, Object>) gateway.get("environment");
    List<String> unknown = env.keySet().stream()
        .filter(name -> SettingsCatalog.find(name).isEmpty() && !IMAGE_VARIABLES.contains(name)).toList();
    assertThat(unknown).as("gateway variables that are neither settings nor the image's").isEmpty();
    assertThat(env).containsKeys("API_KEYS", "ALLOWED_TOKENS", "AUTH_TOKEN", "MYSQL_USER", "MYSQL_PASSWORD",
        "MYSQL_DATABASE", "REDIS_URL");
    assertThat(env.get("DATABASE_TYPE")).isEqualTo("mysql");
    assertThat(env.get("MYSQL_HOST")).isEqualTo("mariadb");
    assertThat(env.get("MYSQL_PORT")).isEqualTo("3306");
    assertThat(env.get("REDIS_URL")).isEqualTo("redis://redis:6379");
    Map<String, Object> dbEnv = (Map<String, Object>) mariadb.get("environment");
    assertThat(dbEnv.keySet()).isSubsetOf(MARIADB_VARIABLES);
    for (String shared : List.of("MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE")) {
      assertThat(dbEnv.get(shared)).as(shared + ": the gateway logs in as the database was created")
          .isEqualTo(env.get(shared));
    }
    assertThat((String) env.get("MYSQL_PASSWORD")).startsWith("${MYSQL_PASSWORD:?");

    // The port the gateway listens on by default, published as is.
    assertThat((List<String>) gateway.get("ports")).containsExactly(portDefault() + ":" + portDefault());

    // Started once the database and Redis answer; both have a health check to say so.
    Map<String, Map<String, Object>> dependsOn = (Map<String, Map<String, Object>>) gateway.get("depends_on");
    assertThat(dependsOn).containsOnlyKeys("mariadb", "redis");
    dependsOn.values().forEach(d -> assertThat(d.get("condition")).isEqualTo("service_healthy"));
    for (Map<String, Object> backend : List.of(mariadb, redis)) {
      Map<String, Object> check = (Map<String, Object>) backend.get("healthcheck");
      assertThat((List<String>) check.get("test")).first().isEqualTo("CMD");
    }

    // docker stop waits for the drain (SHUTDOWN_GRACE_SECONDS, 30 s by default) and the flush after it.
    long graceSeconds = SettingsCatalog.find("SHUTDOWN_GRACE_SECONDS").map(d -> (long) d.defaultInt()).orElse(30L);
    assertThat(seconds((String) gateway.get("stop_grace_period"))).isGreaterThan(graceSeconds);

    // The data volume is where the image keeps it; every named volume is declared.
    assertThat((List<String>) gateway.get("volumes")).contains("gemini-balance-data:/app/data");
    Set<String> used = new LinkedHashSet<>();
    for (Map<String, Object> service : services.values()) {
      for (String volume : (List<String>) service.getOrDefault("volumes", List.of())) {
        used.add(volume.substring(0, volume.indexOf(':')));
      }
    }
    assertThat(((Map<String, Object>) compose.get("volumes")).keySet()).containsExactlyInAnyOrderElementsOf(used);
  }

  private static long seconds(String duration) {
    Matcher m = Pattern.compile("(?:(\\d+)m)?(?:(\\d+)s)?").matcher(duration);
    assertThat(m.matches()).as(duration).isTrue();
    return (m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 60) + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
  }

  @Test
  void theHealthCheckScriptPassesOnAServingGatewayAndFailsOnAClosedPort() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThat(healthcheck(h.gateway.port())).as("exit status on a serving gateway").isZero();
    }
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    assertThat(healthcheck(closed)).as("exit status with nothing listening").isNotZero();
  }

  private static int healthcheck(int port) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("bin/healthcheck").toString())
        .redirectErrorStream(true);
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("HOST", "0.0.0.0");
    Process process = builder.start();
    if (!process.waitFor(Duration.ofSeconds(20).toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bin/healthcheck did not end");
    }
    return process.exitValue();
  }

  @Test
  void theReadmeSaysHowToRunItInDockerAndThatItIsNotTestedHere() throws IOException {
    String readme = read("README.md");
    int start = readme.indexOf("\n## Docker\n");
    assertThat(start).as("a Docker section").isPositive();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end);
    assertThat(section).contains("docker compose up -d", "docker-compose.yml", "Dockerfile", "/app/data",
        "stop_grace_period", "not built or run");
    assertThat(Set.of("MYSQL_PASSWORD", "API_KEYS", "ALLOWED_TOKENS").stream()
        .filter(name -> !section.contains(name)).collect(Collectors.toSet())).isEmpty();
  }
}
