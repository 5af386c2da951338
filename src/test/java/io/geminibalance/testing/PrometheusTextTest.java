package io.geminibalance.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test parser refuses what the exposition format forbids, so a scrape it accepts is well formed. */
class PrometheusTextTest {
  private static final String HISTOGRAM = """
      # HELP h_seconds A histogram.
      # TYPE h_seconds histogram
      h_seconds_bucket{le="0.1"} 1
      h_seconds_bucket{le="+Inf"} 2
      h_seconds_count 2
      h_seconds_sum 0.3
      """;

  @Test
  void readsSamplesLabelsAndEscapes() {
    PrometheusText text = PrometheusText.parse("""
        # HELP c_total A counter with \\\\ and \\n in its help.
        # TYPE c_total counter
        c_total{a="x\\"y\\\\z\\n",b="2",} 3 1700000000000
        # a comment
        g NaN
        """ + HISTOGRAM);
    assertThat(text.value("c_total", Map.of("a", "x\"y\\z\n", "b", "2"))).isEqualTo(3.0);
    assertThat(text.families().get("c_total").help()).isEqualTo("A counter with \\ and \n in its help.");
    assertThat(text.value("g", Map.of())).isNaN();
    assertThat(text.families().get("h_seconds").samples()).hasSize(4);
  }

  @Test
  void refusesWhatTheFormatForbids() {
    for (String bad : new String[] {
        "1bad 1\n",
        "m{1a=\"x\"} 1\n",
        "m{__reserved=\"x\"} 1\n",
        "m{a=x} 1\n",
        "m{a=\"\\t\"} 1\n",
        "m{a=\"x\"\n",
        "m one\n",
        "m 1 1.5\n",
        "m 1",
        "m 1\nm 2\n",
        "m{a=\"1\",a=\"2\"} 1\n",
        "a 1\nb 1\na 2\n",
        "m 1\n# TYPE m gauge\n",
        "# TYPE m gauge\n# TYPE m gauge\nm 1\n",
        "# TYPE m widget\nm 1\n",
        "# TYPE c_total counter\nc_total -1\n",
        HISTOGRAM.replace("h_seconds_bucket{le=\"+Inf\"} 2\n", ""),
        HISTOGRAM.replace("h_seconds_bucket{le=\"0.1\"} 1", "h_seconds_bucket{le=\"0.1\"} 3"),
        HISTOGRAM.replace("h_seconds_count 2", "h_seconds_count 5"),
        HISTOGRAM.replace("h_seconds_sum 0.3\n", ""),
    }) {
      assertThatThrownBy(() -> PrometheusText.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
