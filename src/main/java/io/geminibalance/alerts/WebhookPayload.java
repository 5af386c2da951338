package io.geminibalance.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The JSON body of one POST (the README's "Alerts" section shows it): {@code text} and {@code
 * content}, the same human summary, so that Slack-style ({@code text}) and Discord-style ({@code
 * content}) incoming webhooks post it as it is; then the alerts as structured fields for anything
 * else. Every text goes through the redactor, so a key or token quoted in a reason never leaves
 * whole.
 */
final class WebhookPayload {
  /** Discord refuses a {@code content} over 2000 characters; Slack takes far more. */
  static final int MAX_TEXT_CHARS = 1900;
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookPayload() {}

  static byte[] of(AlertBatcher.Batch batch, long sentAtMillis, UnaryOperator<String> redact) {
    ObjectNode body = JSON.createObjectNode();
    String text = redact.apply(text(batch.alerts(), batch.omitted()));
    body.put("text", text);
    body.put("content", text);
    body.put("source", "gemini-balance");
    body.put("sentAtMillis", sentAtMillis);
    ArrayNode alerts = body.putArray("alerts");
    for (Alert alert : batch.alerts()) {
      ObjectNode node = alerts.addObject();
      alert.fields().forEach((name, value) -> node.set(name, value instanceof String s
          ? JSON.getNodeFactory().textNode(redact.apply(s)) : JSON.valueToTree(value)));
    }
    body.put("omitted", batch.omitted());
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree of strings and numbers always serialises
    }
  }

  /** The summary: a title, one line per alert, cut to {@link #MAX_TEXT_CHARS} with a count of the rest. */
  static String text(List<Alert> alerts, long omitted) {
    StringBuilder text = new StringBuilder("Gemini Balance: ").append(alerts.size()).append(" alert")
        .append(alerts.size() == 1 ? "" : "s");
    int shown = 0;
    for (Alert alert : alerts) {
      String line = "\n- " + alert.line();
      if (text.length() + line.length() > MAX_TEXT_CHARS - 40) {
        break;
      }
      text.append(line);
      shown++;
    }
    long rest = alerts.size() - shown + omitted;
    if (rest > 0) {
      text.append("\n- and ").append(rest).append(" more");
    }
    return text.toString();
  }
}
