package io.geminibalance.streaming;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Notices relayed bodies whose upstream has gone silent, cheaply enough for tens of thousands of
 * open streams: no timer per stream. A stream only stores a timestamp when upstream bytes arrive;
 * one periodic sweep per event loop walks that loop's streams and fires those idle for longer than
 * their timeout. The sweep runs on the event loop that owns the streams, so the list needs no lock,
 * and it stops when the loop has no stream left (the loop is forgotten when it terminates). A
 * watch may also carry a deadline that fires however active the stream is (a request body read
 * whole must be complete by then). A watch may also beat: a callback run, without ending the watch,
 * each time the stream has been silent for a shorter period (SSE keepalive comments to the client);
 * the same sweep drives it, so heartbeats add no timer either.
 */
public final class IdleWatchdog {
  /** How often each event loop checks its streams: a stream fires within timeout + this. */
  static final long SWEEP_MILLIS = 250;

  private static final Map<EventLoop, IdleWatchdog> BY_LOOP = new ConcurrentHashMap<>();

  private final EventLoop loop;
  private final Watch head = new Watch(null, 0, null);
  private ScheduledFuture<?> sweep;

  private IdleWatchdog(EventLoop loop) {
    this.loop = loop;
    head.prev = head;
    head.next = head;
  }

  /**
   * Starts watching a stream relayed on the current event-loop context; {@code onIdle} runs once,
   * on that context, after {@code timeoutMillis} without {@link Watch#touch()}. Returns a watch
   * that never fires when there is no event-loop context or the timeout is not positive.
   */
  public static Watch watch(long timeoutMillis, Runnable onIdle) {
    return watch(timeoutMillis, 0, onIdle);
  }

  /**
   * As {@link #watch(long, Runnable)}, and {@code onExpired} also runs once {@code deadlineMillis}
   * have passed from now, however active the stream (a request body trickling in). Either limit
   * may be 0 (off); the watch never fires when both are.
   */
  public static Watch watch(long timeoutMillis, long deadlineMillis, Runnable onExpired) {
    return watch(timeoutMillis, deadlineMillis, onExpired, 0);
  }

  /**
   * As {@link #watch(long, Runnable)}, and {@code onBeat} also runs, on the stream's context, each
   * time {@code beatMillis} have passed without {@link Watch#touch()} or an earlier beat, and not
   * while reading is paused for a slow client. A beat is not activity: it never delays
   * {@code onIdle}. Either period may be 0 (off); the watch never fires when both are.
   */
  public static Watch watch(long timeoutMillis, Runnable onIdle, long beatMillis, Runnable onBeat) {
    if (beatMillis <= 0 || onBeat == null) {
      return watch(timeoutMillis, onIdle);
    }
    Watch watch = watch(timeoutMillis, 0, onIdle, beatMillis);
    if (watch != Watch.NONE) {
      watch.beatNanos = TimeUnit.MILLISECONDS.toNanos(beatMillis);
      watch.onBeat = onBeat;
    }
    return watch;
  }

  private static Watch watch(long timeoutMillis, long deadlineMillis, Runnable onExpired, long beatMillis) {
    Context context = Vertx.currentContext();
    if ((timeoutMillis <= 0 && deadlineMillis <= 0 && beatMillis <= 0)
        || !(context instanceof ContextInternal internal)
        || !context.isEventLoopContext() || !internal.nettyEventLoop().inEventLoop()) {
      return Watch.NONE;
    }
    EventLoop loop = internal.nettyEventLoop();
    IdleWatchdog dog = BY_LOOP.get(loop);
    if (dog == null) {
      dog = new IdleWatchdog(loop);
      BY_LOOP.put(loop, dog);
      // A Vert.x instance closed with streams still open: forget its loops (tests start many).
      IdleWatchdog created = dog;
      loop.terminationFuture().addListener(f -> BY_LOOP.remove(loop, created));
    }
    Watch watch = new Watch(context, timeoutMillis > 0 ? TimeUnit.MILLISECONDS.toNanos(timeoutMillis) : Long.MAX_VALUE,
        onExpired);
    if (deadlineMillis > 0) {
      watch.deadline = watch.lastActivity + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
      watch.hasDeadline = true;
    }
    dog.add(watch);
    return watch;
  }

  /** Streams currently watched on {@code loop} (for tests). */
  static int watched(EventLoop loop) {
    IdleWatchdog dog = BY_LOOP.get(loop);
    int n = 0;
    if (dog != null) {
      for (Watch w = dog.head.next; w != dog.head; w = w.next) {
        n++;
      }
    }
    return n;
  }

  private void add(Watch watch) {
    watch.prev = head.prev;
    watch.next = head;
    head.prev.next = watch;
    head.prev = watch;
    if (sweep == null) {
      sweep = loop.scheduleAtFixedRate(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    // Unlink first, fire after the walk: a firing stream may stop (unlink) other streams.
    List<Watch> idle = null;
    List<Watch> beating = null;
    Watch w = head.next;
    while (w != head) {
      Watch next = w.next;
      if ((!w.paused && now - w.lastActivity >= w.timeoutNanos) || w.pastDeadline(now)) {
        w.unlink();
        if (idle == null) {
          idle = new ArrayList<>();
        }
        idle.add(w);
      } else if (w.dueToBeat(now)) {
        w.lastBeat = now;
        if (beating == null) {
          beating = new ArrayList<>();
        }
        beating.add(w);
      }
      w = next;
    }
    if (idle != null) {
      idle.forEach(Watch::fire);
    }
    if (beating != null) {
      beating.forEach(Watch::beat);
    }
    stopWhenEmpty();
  }

  private void stopWhenEmpty() {
    if (head.next == head && sweep != null) {
      // Nothing left on this loop: stop sweeping until a stream arrives again. The watchdog itself
      // stays registered until its loop terminates: re-creating it would add another
      // termination listener to the loop each time a quiet loop got a stream again.
      sweep.cancel(false);
      sweep = null;
    }
  }

  /**
   * One watched stream. Every method must be called on the stream's event loop (where its
   * handlers run), which is also where the sweep runs.
   */
  public static class Watch {
    public static final Watch NONE = new Watch(null, 0, null) {
      @Override
      public void touch() {}

      @Override
      void pause() {}

      @Override
      void pauseBeating() {}

      @Override
      void resume() {}

      @Override
      public void stop() {}
    };

    private final Context context;
    private final long timeoutNanos;
    private Runnable onIdle;
    private long lastActivity = System.nanoTime();
    /** Heartbeat period, 0 when the watch does not beat; see {@link #watch(long, Runnable, long, Runnable)}. */
    private long beatNanos;
    private long lastBeat = lastActivity;
    private Runnable onBeat;
    /** When the stream must have ended, however active (if {@link #hasDeadline}). */
    private long deadline;
    private boolean hasDeadline;
    private boolean paused;
    private boolean beatWhilePaused;
    private boolean stopped;
    private Watch prev;
    private Watch next;

    private Watch(Context context, long timeoutNanos, Runnable onIdle) {
      this.context = context;
      this.timeoutNanos = timeoutNanos;
      this.onIdle = onIdle;
    }

    /** Bytes arrived (from the upstream for a relayed stream, from the client for a request body). */
    public void touch() {
      lastActivity = System.nanoTime();
    }

    /** Whether the watch's deadline (not its idle timeout) has passed. */
    public boolean pastDeadline() {
      return pastDeadline(System.nanoTime());
    }

    private boolean pastDeadline(long now) {
      return hasDeadline && now - deadline >= 0;
    }

    /** Reading is paused for back-pressure: a slow client, not a silent upstream. */
    void pause() {
      paused = true;
    }

    /**
     * Reading is paused while the gateway works on what it has read (an upload a held event waits
     * for): not a silent upstream either, but the client hears nothing meanwhile, so beats go on.
     */
    void pauseBeating() {
      paused = true;
      beatWhilePaused = true;
    }

    void resume() {
      paused = false;
      beatWhilePaused = false;
      lastActivity = System.nanoTime();
    }

    /**
     * The stream ended: unlinked at once, so that a finished request (which {@code onIdle}
     * reaches) is not kept alive until the next sweep; at 15k requests/s that was ~20 MiB
     * promoted to the old generation per sweep period.
     */
    public void stop() {
      if (!stopped) {
        stopped = true;
        onIdle = null;
        onBeat = null;
        unlink();
      }
    }

    private void unlink() {
      if (prev != null) {
        prev.next = next;
        next.prev = prev;
        prev = null;
        next = null;
      }
    }

    /**
     * Silent (upstream bytes and beats alike) for a beat period, and not paused for a slow client
     * (a pause for the gateway's own work beats).
     */
    private boolean dueToBeat(long now) {
      return beatNanos > 0 && onBeat != null && (!paused || beatWhilePaused) && now - lastActivity >= beatNanos
          && now - lastBeat >= beatNanos;
    }

    private void beat() {
      // Read when it runs: a stream that stopped in between (ended, failed) gets no beat.
      context.runOnContext(v -> {
        Runnable action = onBeat;
        if (action != null) {
          action.run();
        }
      });
    }

    private void fire() {
      Runnable action = onIdle;
      stopped = true;
      onIdle = null;
      onBeat = null;
      context.runOnContext(v -> action.run());
    }
  }
}
