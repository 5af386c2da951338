package io.geminibalance.app;

import io.geminibalance.keypool.ModelAdmission;
import io.geminibalance.relay.ModelCatalog;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Admits to the key pool's quota state the models in Google's model list. A name the list lacks
 * while the list is older than its TTL starts one background refresh, so that a model Google
 * added since is found; made-up names therefore cost at most one list fetch per TTL. The refresh
 * runs later on an event loop: the pool asks from inside its lease path, where an upstream call
 * must not start.
 */
final class CatalogAdmission implements ModelAdmission {
  private final Vertx vertx;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private volatile ModelCatalog catalog;

  CatalogAdmission(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The catalog is built after the pool (it fetches through it); until then nothing is listed. */
  void attach(ModelCatalog modelCatalog) {
    this.catalog = modelCatalog;
  }

  @Override
  public boolean exists(String baseModel) {
    ModelCatalog current = catalog;
    if (current == null) {
      return false;
    }
    if (current.lists(baseModel)) {
      return true;
    }
    if (current.stale() && refreshQueued.compareAndSet(false, true)) {
      vertx.runOnContext(v -> current.refresh().onComplete(ar -> refreshQueued.set(false)));
    }
    return false;
  }
}
