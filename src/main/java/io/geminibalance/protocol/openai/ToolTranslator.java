package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.FunctionSchemas;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAI {@code tools}/{@code functions} and {@code tool_choice}/{@code function_call} to
 * Gemini function declarations and {@code toolConfig}.
 *
 * <p>{@code parallel_tool_calls} has no Gemini counterpart: Gemini decides on its own whether
 * to emit several calls in one turn, so the flag is accepted and ignored.
 */
public final class ToolTranslator {

  private ToolTranslator() {}

  /** The declarations of {@code tools[].function} and deprecated {@code functions[]}, in order. */
  static List<ObjectNode> declarations(JsonNode request) {
    List<ObjectNode> declarations = new ArrayList<>();
    FunctionSchemas.Budget budget = new FunctionSchemas.Budget();
    JsonNode tools = request.get("tools");
    if (tools != null && !tools.isNull()) {
      requireArray(tools, "tools");
      for (int i = 0; i < tools.size(); i++) {
        declarations.add(fromTool(tools.get(i), "tools[" + i + "]", budget));
      }
    }
    JsonNode functions = request.get("functions");
    if (functions != null && !functions.isNull()) {
      requireArray(functions, "functions");
      for (int i = 0; i < functions.size(); i++) {
        declarations.add(declaration(functions.get(i), "functions[" + i + "]", budget));
      }
    }
    return declarations;
  }

  private static ObjectNode fromTool(JsonNode tool, String param, FunctionSchemas.Budget budget) {
    String type = Json.optString(tool, "type", param + ".type").orElse("function");
    if (!type.equals("function")) {
      throw new TranslationException(param + ".type", "unsupported tool type '" + type + "'; only 'function' tools");
    }
    return declaration(tool.path("function"), param + ".function", budget);
  }

  /**
   * One function ({@code name}, {@code description}, {@code parameters}) as a Gemini declaration;
   * {@code strict} is OpenAI-only. Also the Responses API's flat function tool. Every tool of one
   * request shares {@code budget}, so many tools cannot add up past what one request may inline.
   */
  public static ObjectNode declaration(JsonNode function, String param, FunctionSchemas.Budget budget) {
    String name = Json.optString(function, "name", param + ".name")
        .orElseThrow(() -> new TranslationException(param + ".name", "function needs a 'name'"));
    ObjectNode declaration = Json.object().put("name", name);
    Json.optString(function, "description", param + ".description")
        .ifPresent(d -> declaration.put("description", d));
    JsonNode parameters = function.get("parameters");
    if (parameters != null && !parameters.isNull()) {
      if (!parameters.isObject()) {
        throw new TranslationException(param + ".parameters", "'parameters' must be a JSON Schema object");
      }
      Json.requireShallow(parameters, param + ".parameters");
      try {
        declaration.set("parametersJsonSchema", FunctionSchemas.forGemini(parameters, budget));
      } catch (FunctionSchemas.Invalid e) {
        String at = e.pointer().isEmpty() ? "" : " at " + e.pointer();
        throw new TranslationException(param + ".parameters", "'parameters'" + at + ": " + e.getMessage());
      }
    }
    return declaration;
  }

  /** {@code toolConfig} for {@code tool_choice} (or the deprecated {@code function_call}). */
  static Optional<ObjectNode> toolConfig(JsonNode request) {
    if (!Json.isMissing(request, "tool_choice")) {
      return Optional.of(config(request.get("tool_choice"), "tool_choice"));
    }
    if (!Json.isMissing(request, "function_call")) {
      return Optional.of(config(request.get("function_call"), "function_call"));
    }
    return Optional.empty();
  }

  /** {@code toolConfig} for one {@code tool_choice} value; {@code param} names it in errors. */
  public static ObjectNode config(JsonNode choice, String param) {
    if (choice.isTextual()) {
      return mode(stringMode(choice.asText(), param), List.of());
    }
    if (!choice.isObject()) {
      throw new TranslationException(param, "'" + param + "' must be a string or an object");
    }
    String type = choice.path("type").asText("function");
    return switch (type) {
      case "function" -> mode("ANY", List.of(functionName(choice, param)));
      case "allowed_tools" -> allowedTools(choice.path("allowed_tools"), param + ".allowed_tools");
      default -> throw new TranslationException(param + ".type", "unsupported tool_choice type '" + type + "'");
    };
  }

  private static String stringMode(String choice, String param) {
    return switch (choice) {
      case "none" -> "NONE";
      case "auto" -> "AUTO";
      case "required" -> "ANY";
      default -> throw new TranslationException(param, "unsupported " + param + " '" + choice + "'");
    };
  }

  // {type:function, function:{name}} and the legacy function_call {name} both name one function.
  private static String functionName(JsonNode choice, String param) {
    JsonNode holder = choice.has("function") ? choice.get("function") : choice;
    return Json.optString(holder, "name", param + ".function.name")
        .orElseThrow(() -> new TranslationException(param + ".function.name", "tool_choice needs a function name"));
  }

  private static ObjectNode allowedTools(JsonNode allowed, String param) {
    String mode = switch (allowed.path("mode").asText("auto")) {
      case "auto" -> "AUTO";
      case "required" -> "ANY";
      default -> throw new TranslationException(param + ".mode", "allowed_tools mode must be 'auto' or 'required'");
    };
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode tool : allowed.path("tools")) {
      names.add(functionName(tool, param + ".tools"));
    }
    if (names.isEmpty()) {
      throw new TranslationException(param + ".tools", "allowed_tools needs at least one function");
    }
    return mode(mode, List.copyOf(names));
  }

  private static ObjectNode mode(String mode, List<String> allowedNames) {
    ObjectNode toolConfig = Json.object();
    ObjectNode calling = toolConfig.putObject("functionCallingConfig").put("mode", mode);
    if (!allowedNames.isEmpty()) {
      ArrayNode names = calling.putArray("allowedFunctionNames");
      allowedNames.forEach(names::add);
    }
    return toolConfig;
  }

  private static void requireArray(JsonNode node, String param) {
    if (!node.isArray()) {
      throw new TranslationException(param, "'" + param + "' must be an array");
    }
  }
}
