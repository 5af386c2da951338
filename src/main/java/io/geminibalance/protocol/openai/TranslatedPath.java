package io.geminibalance.protocol.openai;

import io.geminibalance.protocol.gemini.ModelIdSyntax;
import io.geminibalance.protocol.gemini.PathSegments;

/**
 * What a request to the translated OpenAI surface ({@code /v1/...}, {@code /hf/v1/...}) asks for,
 * decided from the raw path below the prefix and the HTTP method: {@code POST chat/completions},
 * {@code POST embeddings}, {@code POST images/generations}, {@code POST audio/speech},
 * {@code POST audio/transcriptions}, {@code GET models} and {@code GET models/{id}} (the id with or without
 * {@code models/}, checked as {@link ModelIdSyntax} defines it: 400 naming {@code model}).
 * The Responses API: {@code POST responses}, {@code GET}/{@code DELETE responses/{id}} and
 * {@code GET responses/{id}/input_items}, the id checked here (400 naming {@code response_id});
 * {@code POST responses/{id}/cancel} is a 400, there is no background mode to cancel.
 * Anything else is 404. No path of this surface is forwarded: the gateway builds the upstream path
 * from the model in the body, or answers from its model catalog.
 */
public sealed interface TranslatedPath {

  /** What the relay serves: never a {@link Rejected}. */
  sealed interface Allowed extends TranslatedPath {}

  /** {@code GET models}. */
  record ModelList() implements Allowed {}

  /** {@code GET models/{id}}, {@code id} as the client wrote it (it may start with {@code models/}). */
  record Model(String id) implements Allowed {}

  /** {@code POST chat/completions}. */
  record ChatCompletions() implements Allowed {}

  /** {@code POST embeddings}. */
  record Embeddings() implements Allowed {}

  /** {@code POST responses}. */
  record ResponsesCreate() implements Allowed {}

  /** {@code GET responses/{id}}. */
  record ResponseRetrieve(String id) implements Allowed {}

  /** {@code DELETE responses/{id}}. */
  record ResponseDelete(String id) implements Allowed {}

  /** {@code GET responses/{id}/input_items}. */
  record ResponseInputItems(String id) implements Allowed {}
  /** {@code POST images/generations}: Imagen. */
  record ImagesGenerations() implements Allowed {}
  /** {@code POST audio/speech}. */
  record AudioSpeech() implements Allowed {}

  /** {@code POST audio/transcriptions}. */
  record AudioTranscriptions() implements Allowed {}

  /**
   * Refused before the body is read, in OpenAI's error terms.
   *
   * @param status 400 for a malformed model id, 404 for an endpoint the gateway does not serve
   * @param param the request field at fault ({@code model}), or null
   * @param code OpenAI's error code
   */
  record Rejected(int status, String message, String param, String code) implements TranslatedPath {}

  ModelList MODEL_LIST = new ModelList();
  ChatCompletions CHAT_COMPLETIONS = new ChatCompletions();
  Embeddings EMBEDDINGS = new Embeddings();
  ResponsesCreate RESPONSES_CREATE = new ResponsesCreate();
  ImagesGenerations IMAGES_GENERATIONS = new ImagesGenerations();
  AudioSpeech AUDIO_SPEECH = new AudioSpeech();
  AudioTranscriptions AUDIO_TRANSCRIPTIONS = new AudioTranscriptions();

  /** Decides what {@code resource} (the raw path below the prefix) asks for with {@code httpMethod}. */
  static TranslatedPath parse(String httpMethod, String resource) {
    return parse(httpMethod, resource, 0);
  }

  /**
   * {@link #parse(String, String)} for the resource that starts at index {@code from} of
   * {@code path} (the request's raw path), without a substring for it. Error messages quote the
   * whole path, shortened.
   */
  static TranslatedPath parse(String httpMethod, String path, int from) {
    int length = path.length();
    if (httpMethod.equals("POST")) {
      if (is(path, from, "chat/completions")) {
        return CHAT_COMPLETIONS;
      }
      if (is(path, from, "embeddings")) {
        return EMBEDDINGS;
      }
      if (is(path, from, "responses")) {
        return RESPONSES_CREATE;
      }
      if (is(path, from, "images/generations")) {
        return IMAGES_GENERATIONS;
      }
      if (is(path, from, "audio/speech")) {
        return AUDIO_SPEECH;
      }
      if (is(path, from, "audio/transcriptions")) {
        return AUDIO_TRANSCRIPTIONS;
      }
    } else if (httpMethod.equals("GET")) {
      if (is(path, from, "models")) {
        return MODEL_LIST;
      }
      if (path.startsWith("models/", from)) {
        int id = from + "models/".length();
        int start = path.startsWith("models/", id) ? id + "models/".length() : id;
        String problem = ModelIdSyntax.problem(path, start, length);
        return problem == null ? new Model(path.substring(id))
            : new Rejected(400, "Invalid model name: " + problem, "model", ModelName.INVALID);
      }
    }
    if (path.startsWith("responses/", from)) {
      TranslatedPath response = response(httpMethod, path, from + "responses/".length());
      if (response != null) {
        return response;
      }
    }
    return new Rejected(404, "Unknown endpoint: " + httpMethod + " " + PathSegments.excerpt(path, 0, length),
        null, "unknown_url");
  }

  /** A path below {@code responses/}: the id checked first; null for a method it does not serve. */
  private static TranslatedPath response(String httpMethod, String path, int idStart) {
    int slash = path.indexOf('/', idStart);
    String id = path.substring(idStart, slash < 0 ? path.length() : slash);
    String rest = slash < 0 ? "" : path.substring(slash);
    if (!RESPONSE_ID.matcher(id).matches()) {
      return new Rejected(400, "Invalid response id: expected resp_ followed by letters, digits, '-' or '_'",
          "response_id", "invalid_value");
    }
    return switch (httpMethod + " " + rest) {
      case "GET " -> new ResponseRetrieve(id);
      case "DELETE " -> new ResponseDelete(id);
      case "GET /input_items" -> new ResponseInputItems(id);
      case "POST /cancel" -> new Rejected(400, "Only background responses can be cancelled, and this gateway"
          + " has no background mode.", "response_id", "invalid_request");
      default -> null;
    };
  }

  /** The id syntax of a response: {@code resp_} and letters, digits, '-' or '_'. */
  java.util.regex.Pattern RESPONSE_ID = java.util.regex.Pattern.compile("resp_[A-Za-z0-9_-]{1,120}");

  private static boolean is(String path, int from, String resource) {
    return path.length() - from == resource.length() && path.startsWith(resource, from);
  }
}
