package io.geminibalance.protocol.sse;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the stream optimizer may cut in a stream's events, per wire format: an event that is one
 * text and nothing else that must stay whole (tool calls, images, several parts or choices). Pure.
 */
public interface TextSlicer {

  /** The event's text when it may be re-sent in pieces, else null. */
  String text(ObjectNode event);

  /**
   * The event carrying {@code piece} in place of its text, piece {@code index} of {@code count}:
   * what belongs once to the whole event (a role announced, the finish reason, usage) stays on
   * the first or the last piece only. {@code event} is not changed.
   */
  ObjectNode withText(ObjectNode event, String piece, int index, int count);
}
