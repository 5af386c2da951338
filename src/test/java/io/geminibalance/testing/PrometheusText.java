package io.geminibalance.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus' text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), for tests: no Java parser of it
 * is among the artifacts this build can resolve. It refuses what Prometheus would refuse and what
 * the format's rules forbid: a bad metric or label name, a label value with an unknown escape, a
 * value that is not a float, a TYPE after its metric's samples or given twice, a family whose
 * samples are not together, the same series twice, a counter below zero, and histograms whose
 * buckets are not cumulative, lack {@code le="+Inf"}, or disagree with their {@code _count}.
 */
public final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A metric family: its TYPE, HELP and samples. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = families;
  }

  public Map<String, Family> families() {
    return families;
  }

  /** The value of the one sample named {@code name} with exactly {@code labels}, or null. */
  public Double value(String name, Map<String, String> labels) {
    for (Family family : families.values()) {
      for (Sample sample : family.samples()) {
        if (sample.name().equals(name) && sample.labels().equals(labels)) {
          return sample.value();
        }
      }
    }
    return null;
  }

  /** Every sample named {@code name}. */
  public List<Sample> samples(String name) {
    List<Sample> found = new ArrayList<>();
    for (Family family : families.values()) {
      for (Sample sample : family.samples()) {
        if (sample.name().equals(name)) {
          found.add(sample);
        }
      }
    }
    return found;
  }

  /** Parses {@code text}, or throws {@link IllegalArgumentException} naming the line and the rule it breaks. */
  public static PrometheusText parse(String text) {
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> types = new HashMap<>();
    Map<String, String> helps = new HashMap<>();
    Set<String> closed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a line feed");
    }
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length - 1; n++) {
      String line = lines[n];
      String where = "line " + (n + 1) + " '" + line + "': ";
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split("[ \t]+", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String name = parts[2];
          require(METRIC_NAME.matcher(name).matches(), where + "bad metric name");
          if (parts[1].equals("TYPE")) {
            require(parts.length == 4 && TYPES.contains(parts[3].strip()), where + "unknown type");
            require(!types.containsKey(name), where + "TYPE given twice");
            require(!families.containsKey(name), where + "TYPE after the metric's samples");
            types.put(name, parts[3].strip());
          } else {
            require(!helps.containsKey(name), where + "HELP given twice");
            helps.put(name, unescapeHelp(parts.length == 4 ? parts[3] : "", where));
          }
        }
        continue;
      }
      Sample sample = sample(line, where);
      String family = familyOf(sample.name(), types);
      if (!family.equals(current)) {
        require(!closed.contains(family), where + "samples of " + family + " are not together");
        if (current != null) {
          closed.add(current);
        }
        current = family;
      }
      require(series.add(sample.name() + new TreeMap<>(sample.labels())), where + "the same series twice");
      String type = types.getOrDefault(family, "untyped");
      if (type.equals("counter")) {
        require(!Double.isNaN(sample.value()) && sample.value() >= 0, where + "a counter below zero");
      }
      families.computeIfAbsent(family, f -> new Family(f, type, helps.get(f), new ArrayList<>()))
          .samples().add(sample);
    }
    for (Family family : families.values()) {
      if (family.type().equals("histogram")) {
        checkHistogram(family);
      }
    }
    return new PrometheusText(families);
  }

  /** The family a sample belongs to: its own name, or a histogram's or summary's by suffix. */
  private static String familyOf(String name, Map<String, String> types) {
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
          return base;
        }
      }
    }
    return name;
  }

  private static void checkHistogram(Family family) {
    String name = family.name();
    Map<Map<String, String>, TreeMap<Double, Double>> buckets = new HashMap<>();
    Map<Map<String, String>, Double> counts = new HashMap<>();
    Map<Map<String, String>, Double> sums = new HashMap<>();
    for (Sample sample : family.samples()) {
      Map<String, String> labels = new TreeMap<>(sample.labels());
      if (sample.name().equals(name + "_bucket")) {
        String le = labels.remove("le");
        require(le != null, name + ": a bucket without le");
        double bound = number(le, name + ": le");
        require(buckets.computeIfAbsent(labels, l -> new TreeMap<>()).put(bound, sample.value()) == null,
            name + ": le " + le + " twice");
      } else if (sample.name().equals(name + "_count")) {
        counts.put(labels, sample.value());
      } else if (sample.name().equals(name + "_sum")) {
        sums.put(labels, sample.value());
      } else {
        throw new IllegalArgumentException(name + ": a histogram sample named " + sample.name());
      }
    }
    require(buckets.keySet().equals(counts.keySet()) && counts.keySet().equals(sums.keySet()),
        name + ": each series needs buckets, _count and _sum");
    buckets.forEach((labels, byBound) -> {
      require(byBound.containsKey(Double.POSITIVE_INFINITY), name + labels + ": no le=\"+Inf\" bucket");
      double previous = 0;
      for (double cumulative : byBound.values()) {
        require(cumulative >= previous, name + labels + ": buckets not cumulative");
        previous = cumulative;
      }
      require(byBound.get(Double.POSITIVE_INFINITY).equals(counts.get(labels)),
          name + labels + ": le=\"+Inf\" differs from _count");
    });
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      i++;
    }
    String name = line.substring(0, i);
    require(METRIC_NAME.matcher(name).matches(), where + "bad metric name");
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        require(eq > i, where + "a label without '='");
        String label = line.substring(i, eq);
        require(LABEL_NAME.matcher(label).matches() && !label.startsWith("__"), where + "bad label name " + label);
        require(eq + 1 < line.length() && line.charAt(eq + 1) == '"', where + "an unquoted label value");
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (true) {
          require(j < line.length(), where + "an unterminated label value");
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            require(j + 1 < line.length(), where + "a dangling escape");
            char next = line.charAt(j + 1);
            value.append(switch (next) {
              case '\\' -> '\\';
              case '"' -> '"';
              case 'n' -> '\n';
              default -> throw new IllegalArgumentException(where + "unknown escape \\" + next);
            });
            j += 2;
          } else {
            value.append(c);
            j++;
          }
        }
        require(labels.put(label, value.toString()) == null, where + "label " + label + " twice");
        i = j + 1;
        require(i < line.length(), where + "unterminated labels");
        if (line.charAt(i) == ',') {
          i++;
        } else {
          require(line.charAt(i) == '}', where + "expected ',' or '}'");
        }
      }
    }
    String[] rest = line.substring(i).strip().split("[ \t]+");
    require(!rest[0].isEmpty() && rest.length <= 2, where + "expected a value and an optional timestamp");
    double value = number(rest[0], where + "value");
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + "a timestamp that is not an integer");
      }
    }
    return new Sample(name, labels, value);
  }

  private static double number(String text, String what) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        require(text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?"), what + " is not a float: " + text);
        return Double.parseDouble(text);
    }
  }

  private static String unescapeHelp(String text, String where) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        require(i + 1 < text.length(), where + "a dangling escape in HELP");
        char next = text.charAt(++i);
        out.append(switch (next) {
          case '\\' -> '\\';
          case 'n' -> '\n';
          default -> throw new IllegalArgumentException(where + "unknown escape in HELP \\" + next);
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
