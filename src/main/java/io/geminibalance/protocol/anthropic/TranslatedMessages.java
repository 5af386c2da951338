package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A translated Messages request.
 *
 * @param requestedModel the model as the client named it (echoed in answers)
 * @param upstreamModel the Gemini model that serves it
 * @param stream whether the client asked for a stream
 * @param body the Gemini {@code GenerateContentRequest}, remote media as {@code fileData} placeholders
 * @param mediaUrls the URLs of those placeholders, each once, to download before sending
 */
public record TranslatedMessages(String requestedModel, String upstreamModel, boolean stream, ObjectNode body,
    List<String> mediaUrls) {}
