package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI {@code response_format} to Gemini structured output. A JSON schema goes to
 * {@code responseJsonSchema}, which takes JSON Schema as is, so no OpenAPI conversion is needed.
 */
final class ResponseFormats {

  private static final String JSON = "application/json";

  private ResponseFormats() {}

  static void apply(JsonNode request, ObjectNode config) {
    if (Json.isMissing(request, "response_format")) {
      return;
    }
    JsonNode format = request.get("response_format");
    String type = Json.optString(format, "type", "response_format.type")
        .orElseThrow(() -> new TranslationException("response_format.type", "response_format needs a 'type'"));
    switch (type) {
      case "text" -> { }
      case "json_object" -> config.put("responseMimeType", JSON);
      case "json_schema" -> jsonSchema(format.path("json_schema"), config);
      default -> throw new TranslationException("response_format.type",
          "unsupported response_format type '" + type + "'");
    }
  }

  private static void jsonSchema(JsonNode jsonSchema, ObjectNode config) {
    JsonNode schema = jsonSchema.get("schema");
    if (schema == null || !schema.isObject()) {
      throw new TranslationException("response_format.json_schema.schema",
          "json_schema needs a 'schema' object");
    }
    Json.requireShallow(schema, "response_format.json_schema.schema");
    config.put("responseMimeType", JSON);
    config.set("responseJsonSchema", schema.deepCopy());
  }
}
