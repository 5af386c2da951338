package io.geminibalance.protocol.openai;

import static io.geminibalance.testing.JsonArbitraries.any;
import static io.geminibalance.testing.JsonArbitraries.arrayOf;
import static io.geminibalance.testing.JsonArbitraries.deep;
import static io.geminibalance.testing.JsonArbitraries.fields;
import static io.geminibalance.testing.JsonArbitraries.nearly;
import static io.geminibalance.testing.JsonArbitraries.numbers;
import static io.geminibalance.testing.JsonArbitraries.object;
import static io.geminibalance.testing.JsonArbitraries.optional;
import static io.geminibalance.testing.JsonArbitraries.required;
import static io.geminibalance.testing.JsonArbitraries.strings;
import static io.geminibalance.testing.JsonArbitraries.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.geminibalance.testing.JsonArbitraries;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Near-valid OpenAI request bodies and Gemini answers for the property tests: every field the
 * translators read, mostly well-formed, sometimes of the wrong type, missing, odd or deep; and
 * the whole-body fixtures with a few random edits.
 */
public final class OpenAiArbitraries {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OpenAiArbitraries() {}

  // ---- OpenAI chat requests ----

  /** Half built field by field, half edited fixtures. */
  public static Arbitrary<JsonNode> chatRequests() {
    return Arbitraries.oneOf(builtChatRequests(), JsonArbitraries.mutated(requestFixtures()));
  }

  static List<JsonNode> requestFixtures() {
    return Fixtures.list("fixtures/openai/request", ".json").stream()
        .map(path -> Fixtures.read(path).get("request")).toList();
  }

  public static Arbitrary<JsonNode> builtChatRequests() {
    var f = fields();
    f.put("model", required(nearly(models())));
    f.put("messages", required(nearly(conversations())));
    f.put("tools", optional(nearly(arrayOf(nearly(tools()), 3))));
    f.put("functions", new JsonArbitraries.Field(0.1, nearly(arrayOf(functions(), 2))));
    f.put("tool_choice", optional(nearly(toolChoices())));
    f.put("function_call", new JsonArbitraries.Field(0.1, nearly(toolChoices())));
    f.put("response_format", optional(nearly(responseFormats())));
    f.put("reasoning_effort", optional(nearly(text("none", "minimal", "low", "medium", "high", "xhigh", "max",
        "HIGH", ""))));
    for (String sampling : List.of("temperature", "top_p", "top_k", "presence_penalty", "frequency_penalty")) {
      f.put(sampling, new JsonArbitraries.Field(0.15, nearly(numbers())));
    }
    for (String count : List.of("seed", "max_tokens", "max_completion_tokens", "n", "top_logprobs")) {
      f.put(count, new JsonArbitraries.Field(0.15, nearly(numbers())));
    }
    f.put("stop", optional(nearly(Arbitraries.oneOf(strings().map(NODES::textNode),
        arrayOf(strings().map(NODES::textNode), 7)))));
    f.put("logprobs", optional(nearly(Arbitraries.of(true, false).map(NODES::booleanNode))));
    f.put("stream", optional(nearly(Arbitraries.of(true, false).map(NODES::booleanNode))));
    var streamOptions = fields();
    streamOptions.put("include_usage", required(nearly(Arbitraries.of(true, false).map(NODES::booleanNode))));
    f.put("stream_options", optional(nearly(object(streamOptions))));
    f.put("web_search_options", new JsonArbitraries.Field(0.1, any()));
    f.put("parallel_tool_calls", new JsonArbitraries.Field(0.1, any()));
    return object(f);
  }

  static Arbitrary<JsonNode> models() {
    return Arbitraries.frequencyOf(
        Tuple.of(30, text("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "models/gemini-2.5-flash",
            "gemini-2.5-flash-search", "gemini-2.5-pro-non-thinking", "gemini-2.5-flash-search-non-thinking",
            "gemini-2.0-flash-exp-image", "gemini-2.5-flash-image", "gemini-3-pro-preview",
            "gemini-3-flash-preview-non-thinking", "gemini-2.5-flash-lite")),
        Tuple.of(1, text("gemini-2.0-flash-search", "-search", "models/", " ", "gemini-2.5-flash-image-image")),
        Tuple.of(1, strings().map(NODES::textNode))).withoutEdgeCases();
  }

  private static final List<String> CALL_IDS = List.of("c1", "c2", "c3");

  /**
   * A conversation: messages of every role, where an assistant message with tool calls is
   * mostly followed by tool results for its call ids (in any order), so tries get past the
   * call-id check into the result handling.
   */
  static Arbitrary<JsonNode> conversations() {
    Arbitrary<List<JsonNode>> group = Arbitraries.frequencyOf(
        Tuple.of(6, nearly(messages()).map(List::of)),
        Tuple.of(3, toolRounds()));
    return group.list().ofMinSize(1).ofMaxSize(4).map(groups -> {
      List<JsonNode> messages = new java.util.ArrayList<>();
      groups.forEach(messages::addAll);
      return (JsonNode) JsonArbitraries.array(messages);
    }).withoutEdgeCases();
  }

  /**
   * An assistant message with tool calls, then results for its call ids, shuffled, sometimes not
   * all, sometimes for an id it did not use. The ids are filled in afterwards: a flatMap would
   * build a fresh generator per try, which made generation ten times slower.
   */
  static Arbitrary<List<JsonNode>> toolRounds() {
    var assistant = fields();
    assistant.put("role", required(text("assistant")));
    assistant.put("content", optional(nearly(contents())));
    assistant.put("tool_calls", required(nearly(arrayOf(nearly(toolCalls()), 3))));
    var result = fields();
    result.put("role", required(text("tool")));
    result.put("tool_call_id", required(text("?")));
    result.put("content", required(nearly(contents())));
    Arbitrary<Tuple.Tuple2<Integer, JsonNode>> results = Combinators.combine(
        Arbitraries.integers().between(0, 3), object(result)).as(Tuple::of);
    return Combinators.combine(object(assistant), results.list().ofMaxSize(3)).as((call, answers) -> {
      List<String> ids = new java.util.ArrayList<>();
      call.path("tool_calls").forEach(c -> ids.add(c.path("id").asText("c1")));
      List<JsonNode> messages = new java.util.ArrayList<>();
      messages.add(call);
      for (Tuple.Tuple2<Integer, JsonNode> answer : answers) {
        JsonNode message = answer.get2().deepCopy();
        // one in four refers to an id of no call (or the calls were not an array)
        String id = answer.get1() < ids.size() ? ids.get(answer.get1()) : "zz";
        ((com.fasterxml.jackson.databind.node.ObjectNode) message).put("tool_call_id", id);
        messages.add(message);
      }
      return messages;
    });
  }

  /** Each role with the fields it uses, plus now and then a field of another role or an unknown role. */
  static Arbitrary<JsonNode> messages() {
    var system = fields();
    system.put("role", required(text("system", "developer")));
    system.put("content", required(nearly(contents())));
    var user = fields();
    user.put("role", required(text("user")));
    user.put("content", required(nearly(contents())));
    user.put("name", new JsonArbitraries.Field(0.1, any()));
    var assistant = fields();
    assistant.put("role", required(text("assistant")));
    assistant.put("content", new JsonArbitraries.Field(0.6, nearly(contents())));
    assistant.put("tool_calls", new JsonArbitraries.Field(0.6, nearly(arrayOf(nearly(toolCalls()), 3))));
    assistant.put("function_call", new JsonArbitraries.Field(0.1, nearly(functionCall())));
    var tool = fields();
    tool.put("role", required(text("tool")));
    tool.put("tool_call_id", required(nearly(Arbitraries.of(CALL_IDS).map(NODES::textNode))));
    tool.put("content", required(nearly(contents())));
    var function = fields();
    function.put("role", required(text("function")));
    function.put("name", required(nearly(text("f", "get_weather", ""))));
    function.put("content", required(nearly(contents())));
    var other = fields();
    other.put("role", required(nearly(text("wizard", "USER", ""))));
    other.put("content", optional(contents()));
    return Arbitraries.frequencyOf(
        Tuple.of(4, object(system)), Tuple.of(12, object(user)), Tuple.of(8, object(assistant)),
        Tuple.of(6, object(tool)), Tuple.of(1, object(function)), Tuple.of(1, object(other)));
  }

  static Arbitrary<JsonNode> contents() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, strings().map(NODES::textNode)),
        Tuple.of(4, arrayOf(nearly(contentParts()), 4)),
        Tuple.of(1, text("{\"temp\":20}", "[1,2]", "42", "null", "\"quoted\"")),
        Tuple.of(1, deep().map(d -> NODES.textNode(JsonArbitraries.text(d)))),
        Tuple.of(1, Arbitraries.just(NODES.nullNode())));
  }

  /** Content parts of every type, each with the field its type needs (and now and then without). */
  static Arbitrary<JsonNode> contentParts() {
    var textPart = fields();
    textPart.put("type", required(text("text", "refusal")));
    textPart.put("text", required(nearly(strings().map(NODES::textNode))));
    textPart.put("refusal", new JsonArbitraries.Field(0.2, nearly(strings().map(NODES::textNode))));
    var image = fields();
    image.put("url", required(nearly(urls())));
    image.put("detail", optional(text("auto", "low", "high")));
    var imagePart = fields();
    imagePart.put("type", required(text("image_url")));
    imagePart.put("image_url", required(nearly(Arbitraries.frequencyOf(Tuple.of(4, object(image)),
        Tuple.of(1, urls())))));
    var audio = fields();
    audio.put("data", required(nearly(text("AAAA", "", "not base64"))));
    audio.put("format", required(nearly(text("wav", "MP3", "", "ogg"))));
    var audioPart = fields();
    audioPart.put("type", required(text("input_audio")));
    audioPart.put("input_audio", required(nearly(object(audio))));
    var file = fields();
    file.put("file_data", required(nearly(Arbitraries.oneOf(urls(), text("JVBERi0=")))));
    file.put("file_id", new JsonArbitraries.Field(0.1, nearly(text("file-1"))));
    file.put("filename", optional(nearly(text("a.pdf", "b.txt", "c", "d.PNG?x=1", ".md", "x/y.", ""))));
    var filePart = fields();
    filePart.put("type", required(text("file")));
    filePart.put("file", required(nearly(object(file))));
    var otherPart = fields();
    otherPart.put("type", required(nearly(text("video", "TEXT", ""))));
    otherPart.put("text", optional(strings().map(NODES::textNode)));
    return Arbitraries.frequencyOf(Tuple.of(4, object(textPart)), Tuple.of(4, object(imagePart)),
        Tuple.of(1, object(audioPart)), Tuple.of(2, object(filePart)), Tuple.of(1, object(otherPart)));
  }

  /** Image and file URLs: remote, data URLs of every shape (broken ones included), other schemes. */
  static Arbitrary<JsonNode> urls() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, text("https://example.com/a.png", "http://h/p.jpg?q=1#f", "HTTPS://X/Y.WEBP", "http://h/",
            "data:image/png;base64,iVBORw0KGgo=", "DATA:image/JPG;BASE64, AAAA ", "data:text/plain,hello%20world",
            "data:,", "data:;,x", "data:;base64,AAAA", "data:image/png;base64", "data:,%", "data:,%zz",
            "data:,%E0%A4%A", "data:;;,x", "data:a;b;c,d+e", "ftp://x/y.png", "", "file:///etc/passwd")),
        Tuple.of(1, strings().map(s -> NODES.textNode("data:" + s))),
        Tuple.of(1, strings().map(s -> NODES.textNode("https://x/" + s))),
        Tuple.of(1, strings().map(NODES::textNode)));
  }

  static Arbitrary<JsonNode> toolCalls() {
    var f = fields();
    f.put("id", required(nearly(Arbitraries.of(CALL_IDS).map(NODES::textNode))));
    f.put("type", required(nearly(text("function", "function", "custom"))));
    f.put("function", required(nearly(functionCall())));
    var google = fields();
    google.put("thought_signature", required(nearly(text("c2ln", ""))));
    var extra = fields();
    extra.put("google", required(nearly(object(google))));
    f.put("extra_content", optional(nearly(object(extra))));
    return object(f);
  }

  static Arbitrary<JsonNode> functionCall() {
    var f = fields();
    f.put("name", required(nearly(text("f", "get_weather", ""))));
    f.put("arguments", new JsonArbitraries.Field(0.9, nearly(arguments())));
    return object(f);
  }

  /** Tool call arguments: JSON text (an object mostly), blank, broken, deep, or a JSON value. */
  static Arbitrary<JsonNode> arguments() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, text("{}", "{\"city\":\"Paris\"}", "", " ", "[1]", "42", "{not json", "{\"a\":1} x", "null")),
        Tuple.of(2, any(3).map(v -> NODES.textNode(JsonArbitraries.text(v)))),
        Tuple.of(1, deep().map(d -> NODES.textNode(JsonArbitraries.text(NODES.objectNode().set("a", d))))),
        Tuple.of(1, any(3)));
  }

  static Arbitrary<JsonNode> tools() {
    var f = fields();
    f.put("type", required(nearly(text("function", "function", "web_search"))));
    f.put("function", required(nearly(functions())));
    return object(f);
  }

  static Arbitrary<JsonNode> functions() {
    var f = fields();
    f.put("name", required(nearly(text("f", "get_weather", ""))));
    f.put("description", optional(nearly(strings().map(NODES::textNode))));
    f.put("parameters", optional(nearly(schemas())));
    f.put("strict", new JsonArbitraries.Field(0.1, any()));
    return object(f);
  }

  static Arbitrary<JsonNode> schemas() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, any(3).map(v -> NODES.objectNode().put("type", "object").set("properties", v))),
        Tuple.of(1, deep().map(d -> NODES.objectNode().set("properties", d))));
  }

  static Arbitrary<JsonNode> toolChoices() {
    var function = fields();
    function.put("name", required(nearly(text("f", "get_weather", ""))));
    var named = fields();
    named.put("type", optional(nearly(text("function"))));
    named.put("function", new JsonArbitraries.Field(0.7, nearly(object(function))));
    named.put("name", new JsonArbitraries.Field(0.2, nearly(text("f"))));
    var allowed = fields();
    allowed.put("mode", required(nearly(text("auto", "required", "none"))));
    allowed.put("tools", required(nearly(arrayOf(nearly(object(named)), 3))));
    var allowedTools = fields();
    allowedTools.put("type", required(text("allowed_tools")));
    allowedTools.put("allowed_tools", required(nearly(object(allowed))));
    return Arbitraries.oneOf(text("none", "auto", "required", "any"), object(named), object(allowedTools));
  }

  static Arbitrary<JsonNode> responseFormats() {
    var jsonSchema = fields();
    jsonSchema.put("name", optional(text("answer")));
    jsonSchema.put("schema", required(nearly(schemas())));
    jsonSchema.put("strict", optional(any()));
    var f = fields();
    f.put("type", required(nearly(text("text", "json_object", "json_schema", "json_schema", "xml"))));
    f.put("json_schema", optional(nearly(object(jsonSchema))));
    return object(f);
  }

  // ---- OpenAI embeddings requests ----

  public static Arbitrary<JsonNode> embeddingRequests() {
    var f = fields();
    f.put("model", required(nearly(models())));
    f.put("input", required(nearly(Arbitraries.frequencyOf(
        Tuple.of(2, strings().map(NODES::textNode)),
        Tuple.of(3, arrayOf(nearly(strings().map(NODES::textNode)), 5)),
        Tuple.of(1, Arbitraries.strings().alpha().ofMaxLength(3).map(NODES::textNode).list().ofMinSize(95)
            .ofMaxSize(205).map(JsonArbitraries::array)),
        Tuple.of(1, arrayOf(numbers(), 3))))));
    f.put("dimensions", optional(nearly(numbers())));
    f.put("encoding_format", optional(nearly(text("float", "base64", "int8"))));
    f.put("user", new JsonArbitraries.Field(0.1, any()));
    return object(f);
  }

  /** OpenAI images requests: sizes, formats and tokens, mostly valid, sometimes nearly. */
  public static Arbitrary<JsonNode> imagesRequests() {
    var f = fields();
    f.put("model", optional(nearly(Arbitraries.oneOf(models(),
        Arbitraries.of("dall-e-3", "gpt-image-1", "imagen-4.0-generate-001").map(NODES::textNode)))));
    f.put("prompt", required(nearly(Arbitraries.oneOf(strings(),
        Combinators.combine(strings(), Arbitraries.of("{n:1}", "{n:4}", "{n:5}", "{n:x}", "{ratio:16:9}",
            "{ratio:2:1}", "{n:2}{ratio:3:4}", "")).as((text, token) -> text + " " + token))
        .map(NODES::textNode))));
    f.put("n", optional(nearly(numbers())));
    f.put("size", optional(nearly(text("1024x1024", "1792x1024", "1024x1536", "auto", "16:9", "1027x1792"))));
    f.put("response_format", optional(nearly(text("url", "b64_json", "png"))));
    f.put("quality", optional(nearly(text("hd", "standard", "ultra"))));
    f.put("output_format", optional(nearly(text("png", "jpeg", "webp"))));
    f.put("output_compression", optional(nearly(numbers())));
    f.put("background", optional(nearly(text("auto", "transparent"))));
    return object(f);
  }

  // ---- Gemini answers ----

  /** Gemini {@code GenerateContentResponse}s: built field by field, or edited fixtures. */
  public static Arbitrary<JsonNode> geminiResponses() {
    return Arbitraries.oneOf(builtGeminiResponses(), JsonArbitraries.mutated(responseFixtures()));
  }

  static List<JsonNode> responseFixtures() {
    List<Path> paths = Fixtures.list("fixtures/openai/response", ".json");
    return paths.stream().map(path -> Fixtures.read(path).get("gemini")).toList();
  }

  public static Arbitrary<JsonNode> builtGeminiResponses() {
    var f = fields();
    f.put("candidates", required(nearly(arrayOf(nearly(candidates()), 3))));
    f.put("usageMetadata", optional(nearly(usage())));
    var feedback = fields();
    feedback.put("blockReason", required(nearly(text("SAFETY", "OTHER", ""))));
    feedback.put("blockReasonMessage", optional(nearly(strings().map(NODES::textNode))));
    f.put("promptFeedback", new JsonArbitraries.Field(0.15, nearly(object(feedback))));
    f.put("modelVersion", optional(nearly(text("gemini-2.5-flash"))));
    f.put("error", new JsonArbitraries.Field(0.03, any()));
    return object(f);
  }

  static Arbitrary<JsonNode> candidates() {
    var content = fields();
    content.put("role", optional(text("model")));
    content.put("parts", required(nearly(arrayOf(nearly(parts()), 4))));
    var f = fields();
    f.put("content", required(nearly(object(content))));
    f.put("finishReason", optional(nearly(text("STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "OTHER",
        "MALFORMED_FUNCTION_CALL", "SOMETHING_NEW"))));
    f.put("index", optional(nearly(numbers())));
    var chunk = fields();
    var web = fields();
    web.put("uri", required(nearly(text("https://a.example/x", ""))));
    web.put("title", optional(nearly(strings().map(NODES::textNode))));
    chunk.put("web", required(nearly(object(web))));
    var grounding = fields();
    grounding.put("groundingChunks", required(nearly(arrayOf(nearly(object(chunk)), 3))));
    f.put("groundingMetadata", optional(nearly(object(grounding))));
    var token = fields();
    token.put("token", required(nearly(strings().map(NODES::textNode))));
    token.put("logProbability", required(nearly(numbers())));
    var top = fields();
    top.put("candidates", required(nearly(arrayOf(nearly(object(token)), 3))));
    var logprobs = fields();
    logprobs.put("chosenCandidates", required(nearly(arrayOf(nearly(object(token)), 3))));
    logprobs.put("topCandidates", optional(nearly(arrayOf(nearly(object(top)), 3))));
    f.put("logprobsResult", optional(nearly(object(logprobs))));
    return object(f);
  }

  static Arbitrary<JsonNode> parts() {
    var call = fields();
    call.put("name", required(nearly(text("get_weather", ""))));
    call.put("args", optional(nearly(any(3))));
    call.put("id", optional(nearly(text("gem-1", ""))));
    var inline = fields();
    inline.put("mimeType", required(nearly(text("image/png"))));
    inline.put("data", required(nearly(text("iVBORw0KGgo="))));
    var code = fields();
    code.put("language", optional(nearly(text("PYTHON", "LANGUAGE_UNSPECIFIED"))));
    code.put("code", required(nearly(strings().map(NODES::textNode))));
    var result = fields();
    result.put("output", required(nearly(strings().map(NODES::textNode))));
    var f = fields();
    f.put("text", new JsonArbitraries.Field(0.5, nearly(strings().map(NODES::textNode))));
    f.put("thought", new JsonArbitraries.Field(0.2, nearly(Arbitraries.of(true, false).map(NODES::booleanNode))));
    f.put("functionCall", new JsonArbitraries.Field(0.25, nearly(object(call))));
    f.put("thoughtSignature", new JsonArbitraries.Field(0.2, nearly(text("SIG"))));
    f.put("inlineData", new JsonArbitraries.Field(0.1, nearly(object(inline))));
    f.put("executableCode", new JsonArbitraries.Field(0.1, nearly(object(code))));
    f.put("codeExecutionResult", new JsonArbitraries.Field(0.1, nearly(object(result))));
    return object(f);
  }

  static Arbitrary<JsonNode> usage() {
    var f = fields();
    for (String count : List.of("promptTokenCount", "candidatesTokenCount", "totalTokenCount",
        "thoughtsTokenCount", "toolUsePromptTokenCount", "cachedContentTokenCount")) {
      f.put(count, new JsonArbitraries.Field(0.6, nearly(numbers())));
    }
    return object(f);
  }

  /** Gemini stream events: mostly answers, sometimes an error object, sometimes any value. */
  public static Arbitrary<JsonNode> geminiEvents() {
    var error = fields();
    error.put("code", optional(numbers()));
    error.put("message", optional(nearly(strings().map(NODES::textNode))));
    error.put("status", optional(nearly(text("INTERNAL", "RESOURCE_EXHAUSTED", ""))));
    return Arbitraries.frequencyOf(
        Tuple.of(12, geminiResponses()),
        Tuple.of(1, object(Map.of("error", required(nearly(object(error)))))),
        Tuple.of(1, any()));
  }

  // ---- Gemini model lists ----

  public static Arbitrary<JsonNode> modelListPages() {
    var model = fields();
    model.put("name", required(nearly(text("models/gemini-2.5-flash", "models/gemini-2.5-pro", "gemini-2.0-flash",
        "models/gemini-pro-vision", "models/chat-bison-001", "models/gemini-2.0-flash-exp", "models/", ""))));
    model.put("displayName", optional(strings().map(NODES::textNode)));
    model.put("inputTokenLimit", optional(numbers()));
    var page = fields();
    page.put("models", required(nearly(arrayOf(nearly(object(model)), 6))));
    page.put("nextPageToken", optional(nearly(text("t1", ""))));
    return nearly(object(page));
  }
}
