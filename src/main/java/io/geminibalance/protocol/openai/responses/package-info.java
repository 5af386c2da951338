/**
 * The OpenAI Responses API ({@code POST /v1/responses}) to and from Gemini, pure: input items to
 * {@code contents} ({@link io.geminibalance.protocol.openai.responses.InputItems}), the request to a
 * {@code GenerateContentRequest} ({@link io.geminibalance.protocol.openai.responses.ResponsesRequestTranslator}),
 * Gemini's answer and stream to a Response object and its event sequence
 * ({@link io.geminibalance.protocol.openai.responses.ResponsesStreamTranslator}, which the whole
 * answer goes through too, so both render identically). Shared parts of the chat translation
 * (tools, thinking, formats, parts, usage) are reused from {@code protocol.openai}.
 */
package io.geminibalance.protocol.openai.responses;
