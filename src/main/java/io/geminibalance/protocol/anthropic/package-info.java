/**
 * Anthropic's Messages API ({@code /v1/messages}, {@code /v1/messages/count_tokens}) to Gemini
 * and back: pure translators on JSON trees, no I/O. The request translator turns a Messages body
 * into a {@code GenerateContentRequest}, the answer and stream translators turn Gemini's answer
 * into a {@code Message} or Anthropic's event sequence, and {@link
 * io.geminibalance.protocol.anthropic.AnthropicErrors} gives every failure Anthropic's error shape
 * and status. A bad field is an {@link io.geminibalance.protocol.anthropic.AnthropicRequestException}
 * naming it.
 */
package io.geminibalance.protocol.anthropic;
