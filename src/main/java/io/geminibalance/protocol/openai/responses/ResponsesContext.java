package io.geminibalance.protocol.openai.responses;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What an answer translation needs besides Gemini's body, passed in so the translators stay
 * free of clocks and randomness.
 *
 * @param id the response id ({@code resp_...})
 * @param createdAt unix seconds
 * @param echo the request fields a Response object repeats ({@link TranslatedResponsesRequest#echo()})
 * @param ids fresh hex suffixes for item ids ({@code msg_}, {@code fc_}, {@code rs_}) and call ids
 * @param cache records thought signatures by call id (for clients that drop reasoning items); may be null
 * @param nowMillis the current time, for the cache's time-to-live
 */
public record ResponsesContext(String id, long createdAt, ObjectNode echo, Supplier<String> ids,
    ThoughtSignatureCache cache, long nowMillis) {

  public ResponsesContext {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(echo, "echo");
    Objects.requireNonNull(ids, "ids");
  }
}
