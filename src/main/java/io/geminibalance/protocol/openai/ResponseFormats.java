package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI {@code response_format} to Gemini structured output. A JSON schema goes to
 * {@code responseJsonSchema}, which takes JSON Schema as is, so no OpenAPI conversion is needed.
 */
public final class ResponseFormats {

  private static final String JSON = "application/json";

  private ResponseFormats() {}

  static void apply(JsonNode request, ObjectNode config) {
    if (Json.isMissing(request, "response_format")) {
      return;
    }
    apply(request.get("response_format"), "response_format", "json_schema", config);
  }

  /**
   * Applies one format object named {@code param}: chat nests the schema under
   * {@code json_schema} ({@code schemaHolder}), the Responses API's {@code text.format} holds it
   * itself ({@code schemaHolder} null).
   */
  public static void apply(JsonNode format, String param, String schemaHolder, ObjectNode config) {
    if (!format.isObject()) {
      throw new TranslationException(param, "'" + param + "' must be an object");
    }
    String type = Json.optString(format, "type", param + ".type")
        .orElseThrow(() -> new TranslationException(param + ".type", param + " needs a 'type'"));
    switch (type) {
      case "text" -> { }
      case "json_object" -> config.put("responseMimeType", JSON);
      case "json_schema" -> jsonSchema(schemaHolder == null ? format : format.path(schemaHolder),
          schemaHolder == null ? param + ".schema" : param + "." + schemaHolder + ".schema", config);
      default -> throw new TranslationException(param + ".type",
          "unsupported " + param + " type '" + type + "'");
    }
  }

  private static void jsonSchema(JsonNode holder, String param, ObjectNode config) {
    JsonNode schema = holder.get("schema");
    if (schema == null || !schema.isObject()) {
      throw new TranslationException(param, "json_schema needs a 'schema' object");
    }
    Json.requireShallow(schema, param);
    config.put("responseMimeType", JSON);
    config.set("responseJsonSchema", schema.deepCopy());
  }
}
