package io.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is the catalogue's: one row per setting, no row for a setting
 * that does not exist, and the default the catalogue declares (or its label for a computed one).
 * The README keeps the longer explanations; this test keeps it from drifting.
 */
class ReadmeSettingsTableTest {
  private static final String START = "<!-- settings-table:start -->";
  private static final String END = "<!-- settings-table:end -->";

  @Test
  void theReadmeTableListsEveryCataloguedSettingWithItsDefault() throws IOException {
    Map<String, String> rows = rows(Files.readString(Path.of("README.md")));
    assertThat(rows.keySet()).as("settings in the README table")
        .containsExactlyInAnyOrderElementsOf(SettingsCatalog.all().stream().map(SettingsCatalog.Definition::name)
            .toList());
    List<String> wrong = new ArrayList<>();
    for (SettingsCatalog.Definition def : SettingsCatalog.all()) {
      String expected = def.defaultLabel() != null ? def.defaultLabel() : "`" + def.defaultValue() + "`";
      if (!rows.get(def.name()).equals(expected)) {
        wrong.add(def.name() + ": README shows " + rows.get(def.name()) + ", the catalogue " + expected);
      }
    }
    assertThat(wrong).as("defaults in the README that differ from the catalogue's").isEmpty();
  }

  @Test
  void aComputedDefaultHasALabelToShow() {
    SettingsCatalog.all().stream().filter(def -> def.defaultValue().isEmpty())
        .forEach(def -> assertThat(def.defaultLabel()).as(def.name()).isNotBlank());
  }

  /** Name -> default cell of each row between the markers; a name listed twice fails. */
  private static Map<String, String> rows(String readme) {
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertThat(start).as("README marker " + START).isNotNegative();
    assertThat(end).as("README marker " + END).isGreaterThan(start);
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : readme.substring(start + START.length(), end).split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split(" \\| ", 3);
      String name = cells[0].substring(2).replace("`", "").strip();
      assertThat(rows.put(name, cells[1].strip())).as(name + " listed twice").isNull();
    }
    return rows;
  }
}
