package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The first message of a Live API session, {@code {"setup":{"model":"models/<id>", ...}}}: the
 * only place the session names its model, so the gateway reads it (bounded by the relay) to know
 * which model's quota the session counts against. The message itself goes upstream unchanged.
 */
public final class LiveSetup {
  /** Google's model names in a setup: {@code models/<id>}. A bare id is taken as that model too. */
  static final String MODELS_PREFIX = "models/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LiveSetup() {}

  /** What the first message says. */
  public sealed interface Parsed {}

  /** A setup for {@code model}, the bare model id the pool counts against. */
  public record Valid(String model) implements Parsed {}

  /** Not a setup the gateway can relay; {@code message} says why (it quotes no more than an excerpt). */
  public record Invalid(String message) implements Parsed {}

  /** Reads {@code message} (the client's first WebSocket message, text or binary JSON). */
  public static Parsed parse(byte[] message) {
    JsonNode root;
    try {
      root = JSON.readTree(message);
    } catch (JsonParseException e) {
      return new Invalid("The first message is not JSON: send {\"setup\":{\"model\":\"models/...\"}} first.");
    } catch (IOException e) {
      return new Invalid("The first message could not be read as JSON.");
    }
    if (root == null || root.isMissingNode()) {
      return new Invalid("The first message is empty: send {\"setup\":{\"model\":\"models/...\"}} first.");
    }
    if (!root.isObject()) {
      return new Invalid("The first message must be a JSON object: {\"setup\":{\"model\":\"models/...\"}}.");
    }
    JsonNode setup = root.get("setup");
    if (setup == null || !setup.isObject()) {
      return new Invalid("The first message must be the session's setup: {\"setup\":{\"model\":\"models/...\"}}.");
    }
    JsonNode model = setup.get("model");
    if (model == null || !model.isTextual()) {
      return new Invalid("setup.model is required: the model the session talks to, as \"models/<id>\".");
    }
    String name = model.asText();
    int start = name.startsWith(MODELS_PREFIX) ? MODELS_PREFIX.length() : 0;
    String problem = ModelIdSyntax.problem(name, start, name.length());
    if (problem != null) {
      return new Invalid("Invalid setup.model: " + problem + ".");
    }
    return new Valid(name.substring(start));
  }
}
