package io.geminibalance.storage;

import java.util.Objects;

/**
 * A response of the OpenAI Responses API kept for {@code GET /v1/responses/{id}} and for
 * {@code previous_response_id}, owned by the client that made it.
 *
 * @param id the response id handed to the client ({@code resp_...})
 * @param owner the stable client id ({@link ResourceStore#clientId}) that may read or delete it
 * @param model the model as the client named it
 * @param createdAtMillis when it was made
 * @param expiresAtMillis when it is forgotten ({@code RESPONSES_STORE_HOURS} later)
 * @param body the relay's JSON document: the response object and the conversation it continues
 */
public record StoredResponse(String id, String owner, String model, long createdAtMillis, long expiresAtMillis,
    String body) {
  public StoredResponse {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(body, "body");
  }
}
