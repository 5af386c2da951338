package io.geminibalance.protocol.anthropic;

import java.util.random.RandomGenerator;

/**
 * What an answer needs beside Google's body.
 *
 * @param messageId the {@code msg_...} id of the answer
 * @param model the model as the client named it
 * @param random for tool use ids
 */
public record AnswerContext(String messageId, String model, RandomGenerator random) {}
