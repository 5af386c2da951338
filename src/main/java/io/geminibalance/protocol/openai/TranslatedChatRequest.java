package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * An OpenAI chat request translated for Gemini.
 *
 * @param model the parsed requested model; {@link #upstreamModel()} goes into the upstream URL
 * @param stream call {@code streamGenerateContent?alt=sse} instead of {@code generateContent}
 * @param includeUsage the client asked for {@code stream_options.include_usage}
 * @param body the Gemini {@code GenerateContentRequest}; read-only: its {@code safetySettings}
 *     is the options' own tree, shared by every request
 * @param mediaUrls http(s) image URLs the edge must download and hand to
 *     {@link MediaPlaceholders#withFetchedMedia} before sending {@code body}
 */
public record TranslatedChatRequest(
    ModelName model, boolean stream, boolean includeUsage, ObjectNode body, List<String> mediaUrls) {

  public TranslatedChatRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(body, "body");
    mediaUrls = List.copyOf(mediaUrls);
  }

  /** The Gemini model id for the upstream URL, without {@code models/} and virtual suffixes. */
  public String upstreamModel() {
    return model.base();
  }
}
