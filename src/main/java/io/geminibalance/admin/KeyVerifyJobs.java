package io.geminibalance.admin;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.QuotaKeyPool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;

/**
 * Verifications of keys as server-side jobs: each key gets the re-check's probe ({@link KeyProbe}),
 * at most KEY_VERIFY_CONCURRENCY at a time, and the pool learns from each answer by the data
 * plane's rules ({@link QuotaKeyPool#verified}). One job runs at a time (a second is refused while
 * it does: verifying the same keys twice at once only spends their quota); the last
 * {@value #KEPT_JOBS} jobs and their results are kept in memory, and lost at a restart.
 */
public final class KeyVerifyJobs {
  static final int KEPT_JOBS = 5;
  private final KeyProbe probe;
  private final QuotaKeyPool pool;
  private final IntSupplier concurrency;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final List<Runnable> verifiedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public KeyVerifyJobs(KeyProbe probe, QuotaKeyPool pool, IntSupplier concurrency) {
    this.probe = probe;
    this.pool = pool;
    this.concurrency = concurrency;
  }

  /** One verification of one key. */
  record Outcome(ApiKey key, KeyProbe.Result result) {
    JsonObject toJson() {
      KeyProbe.Result r = result;
      return new JsonObject().put("id", key.fingerprint()).put("key", ApiKey.maskEnds(key.secret()))
          .put("valid", r.valid()).put("verdict", r.verdict())
          .put("error_code", r.valid() ? null : r.status()).put("error_message", r.valid() ? null : r.message());
    }
  }

  /** A job: its keys, its progress and its results so far. Guarded by itself. */
  static final class Job {
    final String id = UUID.randomUUID().toString();
    final int total;
    final Instant startedAt = Instant.now();
    private final Deque<ApiKey> queue;
    private final List<Outcome> results = new ArrayList<>();
    private int valid;
    private int invalid;
    private boolean cancelled;
    private Instant finishedAt;

    Job(List<ApiKey> keys) {
      this.total = keys.size();
      this.queue = new ArrayDeque<>(keys);
    }

    synchronized ApiKey next() {
      return cancelled ? null : queue.poll();
    }

    synchronized void done(Outcome outcome) {
      results.add(outcome);
      if (outcome.result().valid()) {
        valid++;
      } else if (outcome.result().verdict().equals("invalid")) {
        invalid++;
      }
    }

    synchronized boolean running() {
      return finishedAt == null;
    }

    synchronized void cancel() {
      cancelled = true;
    }

    synchronized void finish() {
      finishedAt = Instant.now();
    }

    /** The job's state and counts, with results from {@code offset}, at most {@code limit}. */
    synchronized JsonObject toJson(int offset, int limit) {
      JsonArray shown = new JsonArray();
      for (int i = offset; i < results.size() && i < (long) offset + limit; i++) {
        shown.add(results.get(i).toJson());
      }
      String state = finishedAt == null ? (cancelled ? "cancelling" : "running") : cancelled ? "cancelled" : "done";
      return new JsonObject().put("job_id", id).put("state", state).put("total", total)
          .put("done", results.size()).put("valid", valid).put("invalid", invalid)
          .put("other", results.size() - valid - invalid)
          .put("started_at", startedAt.toString())
          .put("finished_at", finishedAt == null ? null : finishedAt.toString())
          .put("results_total", results.size()).put("results", shown);
    }
  }

  /** A job is running already. */
  static final class Busy extends RuntimeException {
    final String jobId;

    Busy(String jobId) {
      super("a verification job is running (" + jobId + "); wait for it or cancel it");
      this.jobId = jobId;
    }
  }

  /** Starts a job over {@code keys} (not empty) on the caller's Vert.x context. */
  synchronized Job start(List<ApiKey> keys) {
    for (Job job : jobs.values()) {
      if (job.running()) {
        throw new Busy(job.id);
      }
    }
    Job job = new Job(keys);
    jobs.put(job.id, job);
    while (jobs.size() > KEPT_JOBS) {
      jobs.remove(jobs.keySet().iterator().next());
    }
    List<Future<Void>> workers = new ArrayList<>();
    for (int i = 0; i < Math.min(Math.max(1, concurrency.getAsInt()), keys.size()); i++) {
      workers.add(drain(job));
    }
    Future.join(workers).onComplete(ar -> {
      job.finish();
      verifiedListeners.forEach(Runnable::run);
    });
    return job;
  }

  /** Runs {@code listener} when a job or a verification outside a job has ended (the pool learned). */
  void onVerified(Runnable listener) {
    verifiedListeners.add(listener);
  }

  /** Verifies keys outside any job (the original's endpoints), with the same concurrency bound. */
  Future<List<Outcome>> verifyNow(List<ApiKey> keys) {
    Job job = new Job(keys);
    List<Future<Void>> workers = new ArrayList<>();
    for (int i = 0; i < Math.min(Math.max(1, concurrency.getAsInt()), keys.size()); i++) {
      workers.add(drain(job));
    }
    return Future.join(workers).transform(ar -> {
      verifiedListeners.forEach(Runnable::run);
      synchronized (job) {
        return Future.succeededFuture(List.copyOf(job.results));
      }
    });
  }

  /** The id of the running job, or null. */
  synchronized String running() {
    return jobs.values().stream().filter(Job::running).map(job -> job.id).findFirst().orElse(null);
  }

  synchronized Job find(String id) {
    return jobs.get(id);
  }

  /**
   * One worker: verifies the job's next key until none is left. Each next step is a new task on
   * the context, so a job of 100,000 keys builds no chain of futures and no deep stack.
   */
  private Future<Void> drain(Job job) {
    Context context = Vertx.currentContext();
    Promise<Void> finished = Promise.promise();
    next(job, context, finished);
    return finished.future();
  }

  private void next(Job job, Context context, Promise<Void> finished) {
    ApiKey key = job.next();
    if (key == null) {
      finished.complete();
      return;
    }
    probe.check(key).onComplete(ar -> {
      if (ar.succeeded()) {
        pool.verified(key, ar.result().model(), ar.result().outcome());
        job.done(new Outcome(key, ar.result()));
      }
      if (context != null) {
        context.runOnContext(v -> next(job, context, finished));
      } else {
        next(job, null, finished);
      }
    });
  }
}
