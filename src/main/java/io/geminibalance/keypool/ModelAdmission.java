package io.geminibalance.keypool;

/**
 * Which model names the pool may keep quota state for. Requests for other names are still
 * served (Google decides whether the model exists), from a lane shared by all of them, so that a
 * stream of made-up names leaves no state behind. The pool itself also admits the models of
 * MODEL_RATE_LIMITS, those restored from storage and those that answered 2xx.
 *
 * <p>Called only when a model has no lane yet (never on the common path), possibly on an event
 * loop and under no lock of the pool: it must answer at once and never block.
 */
@FunctionalInterface
public interface ModelAdmission {

  /** Whether {@code baseModel} is known to exist upstream, e.g. listed in Google's model list. */
  boolean exists(String baseModel);

  /** Every name gets its own lane (a pool used without a model list, as in the scheduler's tests). */
  ModelAdmission EVERY_MODEL = model -> true;
}
