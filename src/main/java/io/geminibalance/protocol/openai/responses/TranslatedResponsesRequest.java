package io.geminibalance.protocol.openai.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.ModelName;
import java.util.List;

/**
 * A {@code POST /responses} body made ready for Gemini.
 *
 * @param model the model as requested and as sent upstream
 * @param stream whether the client asked for the event stream
 * @param store whether the response is kept ({@code store}, true unless the client says false)
 * @param body the Gemini {@code GenerateContentRequest}; remote images are placeholders
 * @param mediaUrls remote image URLs to download into the body's placeholders
 * @param input this request's input as items (a string input becomes one user message), to keep
 *     with the response for a later {@code previous_response_id}
 * @param echo the request fields the Response object repeats (model, instructions, tools, ...)
 */
public record TranslatedResponsesRequest(ModelName model, boolean stream, boolean store, ObjectNode body,
    List<String> mediaUrls, ArrayNode input, ObjectNode echo) {}
