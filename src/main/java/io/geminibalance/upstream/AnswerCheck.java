package io.geminibalance.upstream;

/** What the executor looks at in a 2xx answer before it hands the answer over. */
public enum AnswerCheck {
  /** Nothing: the body stays unread for the surface, which relays it as it comes. */
  NONE,
  /**
   * A non-streamed {@code generateContent} answer: while EMPTY_RESPONSE_RETRY is on, the body is
   * read whole (the surfaces that ask for this hold such answers whole anyway) and an empty one
   * ({@link io.geminibalance.protocol.gemini.EmptyAnswer}) is retried once on another key. The body
   * then comes with the answer ({@link UpstreamResult.Answered#body()}).
   */
  EMPTY
}
