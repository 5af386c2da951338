package io.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every name the gateway reads from its settings is declared in the catalogue, and every declared
 * name is read somewhere: a source scan of src/main, so a new setting read without a declaration
 * (or a declaration left behind by removed code) fails here rather than going unlisted in the
 * admin API and the README.
 */
class SettingsCatalogCompletenessTest {
  private static final Path MAIN = Path.of("src/main/java/io/geminibalance");
  private static final String NAME = "\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\"";
  /**
   * A setting read by name: through ConfigValues, the catalogue, a raw settings/environment map, or
   * a helper handed the values and the name ({@code required(reader, "MYSQL_HOST", ...)}).
   */
  private static final Pattern READ = Pattern.compile(
      "\\.(?:integer|optionalInteger|decimal|bool|string|choice|zone|list|credentials|credential|jsonObject|jsonMap"
          + "|jsonArray|stringMap|headers|definition|find)\\(" + NAME
          + "|\\b(?:env|raw|settings|saved|environment)\\.get\\(" + NAME
          + "|\\b[A-Z_]*SETTING[A-Z_]*\\s*=\\s*" + NAME
          + "|\\((?:v|reader|values|env|settings),\\s*" + NAME);

  @Test
  void everyNameTheCodeReadsIsCatalogued() {
    Map<String, Set<String>> readers = namesRead();
    assertThat(readers).as("settings read in src/main").isNotEmpty().containsKeys("MAX_RETRIES", "EVENT_LOOPS",
        "LOG_QUEUE_SIZE", "DATABASE_URL", "ENCRYPTION_KEY", "IO_TRANSPORT", "AUTH_TOKEN", "TZ");
    Map<String, Set<String>> missing = new TreeMap<>(readers);
    missing.keySet().removeIf(name -> SettingsCatalog.find(name).isPresent());
    assertThat(missing).as("read by the code but not declared in SettingsCatalog").isEmpty();
  }

  @Test
  void everyCataloguedNameIsReadSomewhere() {
    Set<String> read = namesRead().keySet();
    Set<String> unread = new TreeSet<>();
    SettingsCatalog.all().forEach(def -> unread.add(def.name()));
    unread.removeAll(read);
    assertThat(unread).as("declared in SettingsCatalog but read nowhere in src/main").isEmpty();
  }

  @Test
  void readingAnUndeclaredNameOrAsAnotherTypeIsABug() {
    ConfigValues values = new ConfigValues(Map.of("NOT_A_SETTING", "1", "MAX_RETRIES", "2"));
    assertThatThrownBy(() -> values.integer("NOT_A_SETTING")).hasMessageContaining("not in the settings catalogue");
    assertThatThrownBy(() -> values.bool("MAX_RETRIES")).hasMessageContaining("MAX_RETRIES is a int setting");
    assertThat(values.integer("MAX_RETRIES")).isEqualTo(2);
  }

  private static Map<String, Set<String>> namesRead() {
    Map<String, Set<String>> readers = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      files.filter(file -> file.toString().endsWith(".java"))
          .filter(file -> !file.endsWith("SettingsCatalog.java"))
          .forEach(file -> {
            Matcher m = READ.matcher(read(file));
            while (m.find()) {
              String name = Stream.of(1, 2, 3, 4).map(m::group).filter(g -> g != null).findFirst().orElseThrow();
              readers.computeIfAbsent(name, n -> new TreeSet<>()).add(MAIN.relativize(file).toString());
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return readers;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
