/**
 * The OpenAI-compatible surface as pure translations to and from the native Gemini API
 * (the rules are in the README's "The OpenAI surface" and ARCHITECTURE.md's "A translation rule"). JDK + Jackson only: no I/O, no clock, no randomness of its own; time,
 * completion ids and tool call id generators are passed in. Inputs are never mutated.
 *
 * <p>How the edge uses it:
 *
 * <ul>
 *   <li>Chat: {@link io.geminibalance.protocol.openai.ChatRequestTranslator#translate} gives a
 *       {@link io.geminibalance.protocol.openai.TranslatedChatRequest}. If it lists
 *       {@code mediaUrls}, download them (size and time limited) and call
 *       {@link io.geminibalance.protocol.openai.MediaPlaceholders#withFetchedMedia}. Send the body to
 *       {@code models/{upstreamModel}:generateContent} or {@code :streamGenerateContent?alt=sse}.
 *   <li>Non-stream answer: {@link io.geminibalance.protocol.openai.ChatResponseTranslator#toCompletion}.
 *   <li>Stream: bytes into {@link io.geminibalance.protocol.sse.SseDecoder}, each event's data
 *       parsed and passed to {@link io.geminibalance.protocol.openai.ChatStreamTranslator#onEvent};
 *       at the upstream end {@code onEnd()} and then {@code data: [DONE]}, unless the translator
 *       {@code failed()} (then close without {@code [DONE]}). A broken upstream connection is
 *       reported with {@link io.geminibalance.protocol.openai.ChatStreamTranslator#errorEvent(String, String)}.
 *   <li>Errors: {@link io.geminibalance.protocol.openai.TranslationException} and upstream error
 *       bodies go through {@link io.geminibalance.protocol.openai.OpenAiErrors};
 *       {@link io.geminibalance.protocol.openai.MalformedUpstreamException} means 502.
 *   <li>Share one {@link io.geminibalance.protocol.openai.ThoughtSignatureCache} between the request
 *       and the response translators so Gemini 3 tool calling survives clients that drop
 *       {@code extra_content}.
 * </ul>
 */
package io.geminibalance.protocol.openai;
