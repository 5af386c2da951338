package io.geminibalance.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdleWatchdogTest {
  final Vertx vertx = Vertx.vertx();
  final io.vertx.core.Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  /** Runs {@code action} on a fresh event-loop context and returns what it returns. */
  <T> T onLoop(java.util.function.Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(5, TimeUnit.SECONDS);
  }

  void onLoop(Runnable action, IdleWatchdog.Watch watch) throws Exception {
    onLoop(() -> {
      action.run();
      return watch;
    });
  }

  /** Streams watched on the test context's event loop, read on that loop. */
  int watched() throws Exception {
    return onLoop(() -> IdleWatchdog.watched(((io.vertx.core.internal.ContextInternal) context).nettyEventLoop()));
  }

  @Test
  void firesOnceAfterTheTimeoutThenForgetsTheStream() throws Exception {
    AtomicInteger fired = new AtomicInteger();
    long started = System.nanoTime();
    CompletableFuture<Long> firedAfter = new CompletableFuture<>();
    onLoop(() -> IdleWatchdog.watch(300, () -> {
      fired.incrementAndGet();
      firedAfter.complete((System.nanoTime() - started) / 1_000_000);
    }));
    long millis = firedAfter.get(5, TimeUnit.SECONDS);
    assertThat(millis).isBetween(300L, 300L + IdleWatchdog.SWEEP_MILLIS + 400);
    Thread.sleep(2 * IdleWatchdog.SWEEP_MILLIS);
    assertThat(fired).hasValue(1);
    assertThat(watched()).isZero();
  }

  @Test
  void touchesKeepItQuietAndStopEndsIt() throws Exception {
    AtomicInteger fired = new AtomicInteger();
    IdleWatchdog.Watch watch = onLoop(() -> IdleWatchdog.watch(400, fired::incrementAndGet));
    for (int i = 0; i < 8; i++) {
      Thread.sleep(100);
      onLoop(watch::touch, watch);
    }
    assertThat(fired).hasValue(0);
    onLoop(watch::stop, watch);
    Thread.sleep(400 + 2 * IdleWatchdog.SWEEP_MILLIS);
    assertThat(fired).hasValue(0);
    assertThat(watched()).isZero();
  }

  @Test
  void aStoppedStreamIsForgottenAtOnceNotAtTheNextSweep() throws Exception {
    // A finished request must not stay reachable (through its onIdle) until the next sweep.
    int before = watched();
    IdleWatchdog.Watch watch = onLoop(() -> IdleWatchdog.watch(60_000, () -> {}));
    assertThat(watched()).isEqualTo(before + 1);
    onLoop(watch::stop, watch);
    assertThat(watched()).isEqualTo(before);
  }

  @Test
  void aFiringStreamMayStopAnotherDuringTheSweep() throws Exception {
    AtomicInteger fired = new AtomicInteger();
    CompletableFuture<IdleWatchdog.Watch> second = new CompletableFuture<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    onLoop(() -> IdleWatchdog.watch(200, () -> {
      fired.incrementAndGet();
      second.join().stop();
      done.complete(null);
    }));
    second.complete(onLoop(() -> IdleWatchdog.watch(200, fired::incrementAndGet)));
    done.get(5, TimeUnit.SECONDS);
    Thread.sleep(2 * IdleWatchdog.SWEEP_MILLIS);
    // Both were idle in the same sweep: each fires once; stopping a fired one is harmless.
    assertThat(fired.get()).isBetween(1, 2);
    assertThat(watched()).isZero();
  }

  @Test
  void aStreamPausedForASlowClientIsNotIdle() throws Exception {
    AtomicInteger fired = new AtomicInteger();
    IdleWatchdog.Watch watch = onLoop(() -> IdleWatchdog.watch(200, fired::incrementAndGet));
    onLoop(watch::pause, watch);
    Thread.sleep(200 + 2 * IdleWatchdog.SWEEP_MILLIS);
    assertThat(fired).hasValue(0);
    onLoop(watch::resume, watch);
    Thread.sleep(200 + 2 * IdleWatchdog.SWEEP_MILLIS);
    assertThat(fired).hasValue(1);
  }

  @Test
  void outsideAnEventLoopOrWithoutTimeoutNothingIsWatched() throws Exception {
    assertThat(IdleWatchdog.watch(100, () -> { })).isSameAs(IdleWatchdog.Watch.NONE);
    assertThat(onLoop(() -> IdleWatchdog.watch(0, () -> { }))).isSameAs(IdleWatchdog.Watch.NONE);
    assertThat(onLoop(() -> IdleWatchdog.watch(0, 0, () -> { }))).isSameAs(IdleWatchdog.Watch.NONE);
    assertThat(IdleWatchdog.Watch.NONE.pastDeadline()).isFalse();
  }

  /** A deadline fires however often the stream is touched (a body trickling in), and says so. */
  @Test
  void aDeadlineFiresThoughTheStreamKeepsBeingTouched() throws Exception {
    AtomicInteger fired = new AtomicInteger();
    CompletableFuture<Boolean> pastDeadline = new CompletableFuture<>();
    IdleWatchdog.Watch[] holder = new IdleWatchdog.Watch[1];
    IdleWatchdog.Watch watch = onLoop(() -> holder[0] = IdleWatchdog.watch(60_000, 600, () -> {
      fired.incrementAndGet();
      pastDeadline.complete(holder[0].pastDeadline());
    }));
    for (int i = 0; i < 40 && !pastDeadline.isDone(); i++) {
      Thread.sleep(100);
      onLoop(watch::touch, watch);
    }
    assertThat(pastDeadline.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fired).hasValue(1);
    assertThat(watched()).isZero();
  }

  /** With the idle timeout off, only the deadline applies. */
  @Test
  void aDeadlineAloneIsWatched() throws Exception {
    CompletableFuture<Void> fired = new CompletableFuture<>();
    IdleWatchdog.Watch watch = onLoop(() -> IdleWatchdog.watch(0, 300, () -> fired.complete(null)));
    assertThat(watch).isNotSameAs(IdleWatchdog.Watch.NONE);
    fired.get(5, TimeUnit.SECONDS);
  }

  /**
   * A heartbeat beats again after each silent period, and beats are not activity: the idle
   * timeout still fires, counted from the last touch.
   */
  @Test
  void aHeartbeatRepeatsWithoutDelayingTheIdleTimeout() throws Exception {
    AtomicInteger beats = new AtomicInteger();
    CompletableFuture<Integer> beatsWhenIdle = new CompletableFuture<>();
    onLoop(() -> IdleWatchdog.watch(1_600, () -> beatsWhenIdle.complete(beats.get()), 300,
        beats::incrementAndGet));
    assertThat(beatsWhenIdle.get(10, TimeUnit.SECONDS)).as("beats before the idle timeout").isGreaterThanOrEqualTo(2);
    int atEnd = beats.get();
    Thread.sleep(3 * IdleWatchdog.SWEEP_MILLIS);
    assertThat(beats).as("no beat once the watch fired").hasValue(atEnd);
    assertThat(watched()).isZero();
  }

  @Test
  void aHeartbeatAloneIsWatchedAndStopEndsIt() throws Exception {
    CompletableFuture<Void> beat = new CompletableFuture<>();
    AtomicInteger beats = new AtomicInteger();
    IdleWatchdog.Watch watch = onLoop(() -> IdleWatchdog.watch(0, () -> { }, 200, () -> {
      beats.incrementAndGet();
      beat.complete(null);
    }));
    assertThat(watch).isNotSameAs(IdleWatchdog.Watch.NONE);
    beat.get(5, TimeUnit.SECONDS);
    onLoop(watch::stop, watch);
    int atStop = beats.get();
    assertThat(watched()).isZero();
    Thread.sleep(200 + 2 * IdleWatchdog.SWEEP_MILLIS);
    assertThat(beats).as("no beat after stop").hasValue(atStop);
  }

  @Test
  void aStreamPausedForASlowClientDoesNotBeat() throws Exception {
    AtomicInteger beats = new AtomicInteger();
    IdleWatchdog.Watch watch = onLoop(() -> IdleWatchdog.watch(0, () -> { }, 200, beats::incrementAndGet));
    onLoop(watch::pause, watch);
    Thread.sleep(200 + 2 * IdleWatchdog.SWEEP_MILLIS);
    assertThat(beats).hasValue(0);
    onLoop(watch::resume, watch);
    for (int i = 0; i < 50 && beats.get() == 0; i++) {
      Thread.sleep(50);
    }
    assertThat(beats.get()).isPositive();
    onLoop(watch::stop, watch);
  }

  @Test
  void withoutABeatPeriodAHeartbeatWatchIsAPlainOne() throws Exception {
    assertThat(onLoop(() -> IdleWatchdog.watch(0, () -> { }, 0, () -> { }))).isSameAs(IdleWatchdog.Watch.NONE);
  }
}
