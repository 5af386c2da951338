package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.ModelAliases;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI {@code POST /embeddings} to Gemini {@code batchEmbedContents} and back (PROTOCOL §10).
 * Gemini reports no token counts for embeddings, so usage is an estimate of one token per
 * four characters.
 */
public final class EmbeddingsTranslator {

  /** Gemini caps a batch; 100 inputs per call is documented as safe. */
  public static final int BATCH_SIZE = 100;

  /**
   * @param requestedModel the id as the client sent it (echoed back)
   * @param upstreamModel the Gemini model for the {@code :batchEmbedContents} URL
   * @param batches the request bodies, in input order
   */
  public record EmbeddingsRequest(
      String requestedModel, String upstreamModel, List<ObjectNode> batches, int inputCount, boolean base64,
      long estimatedTokens) {

    public EmbeddingsRequest {
      batches = List.copyOf(batches);
    }
  }

  private EmbeddingsTranslator() {}

  /** @throws TranslationException for a missing model, token-array or empty input, bad options */
  public static EmbeddingsRequest toGemini(JsonNode request) {
    return toGemini(request, ModelAliases.NONE);
  }

  /** As {@link #toGemini(JsonNode)}, with {@code model} resolved through MODEL_ALIASES. */
  public static EmbeddingsRequest toGemini(JsonNode request, ModelAliases aliases) {
    if (request == null || !request.isObject()) {
      throw new TranslationException(null, "the request body must be a JSON object");
    }
    String requested = ModelName.requiredIn(request);
    String upstream = ModelName.stripPrefix(aliases.resolve(requested));
    List<String> inputs = inputs(request.get("input"));
    Integer dimensions = Json.optInt(request, "dimensions", "dimensions").orElse(null);
    if (dimensions != null && dimensions < 1) {
      throw new TranslationException("dimensions", "'dimensions' must be at least 1");
    }
    List<ObjectNode> batches = new ArrayList<>();
    for (int start = 0; start < inputs.size(); start += BATCH_SIZE) {
      batches.add(batch(inputs.subList(start, Math.min(start + BATCH_SIZE, inputs.size())), upstream, dimensions));
    }
    long tokens = inputs.stream().mapToLong(text -> (text.length() + 3) / 4).sum();
    return new EmbeddingsRequest(requested, upstream, batches, inputs.size(), isBase64(request), tokens);
  }

  private static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) {
      throw new TranslationException("input", "'input' is required");
    }
    if (input.isTextual()) {
      return List.of(nonEmpty(input.asText()));
    }
    if (!input.isArray() || input.isEmpty()) {
      throw new TranslationException("input", "'input' must be a string or a non-empty array of strings");
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode item : input) {
      if (!item.isTextual()) {
        throw new TranslationException("input",
            "token arrays are not supported; send 'input' as a string or an array of strings");
      }
      texts.add(nonEmpty(item.asText()));
    }
    return texts;
  }

  private static String nonEmpty(String text) {
    if (text.isEmpty()) {
      throw new TranslationException("input", "'input' must not contain empty strings");
    }
    return text;
  }

  private static boolean isBase64(JsonNode request) {
    String format = Json.optString(request, "encoding_format", "encoding_format").orElse("float");
    return switch (format) {
      case "float" -> false;
      case "base64" -> true;
      default -> throw new TranslationException("encoding_format", "encoding_format must be 'float' or 'base64'");
    };
  }

  private static ObjectNode batch(List<String> texts, String model, Integer dimensions) {
    ObjectNode body = Json.object();
    ArrayNode requests = body.putArray("requests");
    for (String text : texts) {
      ObjectNode entry = requests.addObject().put("model", "models/" + model);
      entry.putObject("content").putArray("parts").addObject().put("text", text);
      if (dimensions != null) {
        entry.put("outputDimensionality", dimensions);
      }
    }
    return body;
  }

  /**
   * Merges the batch responses (same order as {@link EmbeddingsRequest#batches()}).
   *
   * @throws MalformedUpstreamException when Gemini returned a different number of embeddings, or
   *     one that is not an array of numbers (base64 would have turned such a value into 0.0)
   */
  public static ObjectNode toOpenAi(EmbeddingsRequest request, List<JsonNode> batchResponses) {
    ObjectNode out = Json.object().put("object", "list");
    ArrayNode data = out.putArray("data");
    for (JsonNode response : batchResponses) {
      JsonNode embeddings = response == null ? null : response.get("embeddings");
      if (embeddings != null && !embeddings.isArray()) {
        throw new MalformedUpstreamException("Gemini 'embeddings' is not an array");
      }
      for (JsonNode embedding : embeddings == null ? Json.array() : embeddings) {
        ObjectNode item = data.addObject().put("object", "embedding").put("index", data.size() - 1);
        JsonNode values = embedding.path("values");
        if (!values.isArray()) {
          throw new MalformedUpstreamException("Gemini embedding " + (data.size() - 1) + " has no 'values' array");
        }
        for (JsonNode value : values) {
          if (!value.isNumber()) {
            throw new MalformedUpstreamException("Gemini embedding " + (data.size() - 1) + " has a value that is not a number");
          }
        }
        if (request.base64()) {
          item.put("embedding", toBase64(values));
        } else {
          item.set("embedding", values.deepCopy());
        }
      }
    }
    if (data.size() != request.inputCount()) {
      throw new MalformedUpstreamException(
          "Gemini returned " + data.size() + " embeddings for " + request.inputCount() + " inputs");
    }
    out.put("model", request.requestedModel());
    out.putObject("usage").put("prompt_tokens", request.estimatedTokens()).put("total_tokens", request.estimatedTokens());
    return out;
  }

  /** Little-endian float32 bytes as base64: what OpenAI SDKs decode for {@code encoding_format=base64}. */
  static String toBase64(JsonNode values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    values.forEach(value -> buffer.putFloat(value.floatValue()));
    return Base64.getEncoder().encodeToString(buffer.array());
  }
}
