package io.geminibalance.relay;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What all image downloads of the gateway may hold at once: a number of downloads in progress
 * and a number of downloaded bytes. Each request draws on it through its own {@link Request},
 * which also enforces the request's caps.
 *
 * <p>A download waits (in arrival order, up to {@link #SLOT_WAIT_MILLIS}) for a free download
 * slot: a slot is given back when its download ends, whatever the requests do, so waiting cannot
 * deadlock and a short burst is smoothed instead of refused. Bytes are not waited for: a request
 * holds its bytes until Google has its body, so two requests each holding some and waiting for
 * more could wait for each other; a request that finds the bytes taken is answered 503 with
 * Retry-After at once.
 */
public final class ImageBudget {
  /** The longest a download waits for a free slot before its request is answered 503. */
  static final long SLOT_WAIT_MILLIS = 10_000;
  /** What a 503 tells the client to wait: downloads and requests in progress end within seconds. */
  static final long RETRY_AFTER_SECONDS = 5;

  private final Vertx vertx;
  private final AtomicLong heldBytes = new AtomicLong();
  private final Deque<Waiter> waiters = new ArrayDeque<>();
  private int downloads;

  /** A request the gateway cannot serve under the image limits; the message names the setting. */
  public static final class Exceeded extends RuntimeException {
    private final boolean gatewayWide;

    Exceeded(String message, boolean gatewayWide) {
      super(message, null, false, false);
      this.gatewayWide = gatewayWide;
    }

    /** True: the gateway's own budget is busy (503, retry later); false: the request is too big (400). */
    public boolean gatewayWide() {
      return gatewayWide;
    }
  }

  private record Waiter(Context context, Promise<Void> promise, long[] timer) {}

  public ImageBudget(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Bytes held now by every request (for tests and diagnostics). */
  public long heldBytes() {
    return heldBytes.get();
  }

  /** Downloads in progress now. */
  public synchronized int downloads() {
    return downloads;
  }

  /** A new request's share, under the limits in force now. */
  public Request request(ImageLimits limits) {
    return new Request(limits);
  }

  /** Completes when a download slot is free; fails with {@link Exceeded} after the wait bound. */
  Future<Void> slot(int maxDownloads) {
    Context context = vertx.getOrCreateContext();
    Waiter waiter;
    synchronized (this) {
      if (downloads < maxDownloads && waiters.isEmpty()) {
        downloads++;
        return Future.succeededFuture();
      }
      waiter = new Waiter(context, Promise.promise(), new long[] {-1});
      waiters.add(waiter);
    }
    waiter.timer()[0] = vertx.setTimer(SLOT_WAIT_MILLIS, id -> {
      boolean removed;
      synchronized (this) {
        removed = waiters.remove(waiter);
      }
      if (removed) {
        waiter.promise().tryFail(new Exceeded("The gateway is already downloading as many images as it may at once"
            + " (GATEWAY_IMAGE_DOWNLOADS); retry shortly.", true));
      }
    });
    return waiter.promise().future();
  }

  /** Gives a slot back, straight to the longest waiter if any. */
  void releaseSlot(int maxDownloads) {
    Waiter next;
    synchronized (this) {
      downloads--;
      if (waiters.isEmpty() || downloads >= maxDownloads) {
        return;
      }
      next = waiters.poll();
      downloads++;
    }
    vertx.cancelTimer(next.timer()[0]);
    next.context().runOnContext(v -> next.promise().tryComplete());
  }

  private boolean tryHold(long bytes, long max) {
    while (true) {
      long held = heldBytes.get();
      if (held + bytes > max) {
        return false;
      }
      if (heldBytes.compareAndSet(held, held + bytes)) {
        return true;
      }
    }
  }

  /**
   * One request's downloads: its byte cap, its share of the gateway's bytes, and the end of it
   * all. Every byte reserved here stays reserved until {@link #release()}, which the relay calls
   * once Google has the request (or the request failed).
   */
  public final class Request {
    private final ImageLimits limits;
    private long reserved;
    private boolean released;
    private volatile boolean abandoned;

    private Request(ImageLimits limits) {
      this.limits = limits;
    }

    public ImageLimits limits() {
      return limits;
    }

    /** Reserves {@code bytes} more for this request; throws {@link Exceeded} over a cap. */
    void reserve(long bytes, String url) {
      synchronized (this) {
        if (released || abandoned) {
          throw new Exceeded("the request was given up", false);
        }
        if (reserved + bytes > limits.requestBytes()) {
          throw new Exceeded("The images of this request are larger than the gateway downloads for one request ("
              + limits.requestBytes() / (1024 * 1024) + " MiB in all, MAX_IMAGE_DOWNLOAD_MB); " + url
              + " went past it. Send smaller images or fewer.", false);
        }
        if (!tryHold(bytes, limits.gatewayBytes())) {
          throw new Exceeded("The gateway holds as many downloaded images as it may at once"
              + " (GATEWAY_IMAGE_DOWNLOAD_MB); retry shortly.", true);
        }
        reserved += bytes;
      }
    }

    /** Stops this request's other downloads: one failed, so the request fails anyway. */
    void abandon() {
      abandoned = true;
    }

    boolean abandoned() {
      return abandoned;
    }

    Future<Void> slot() {
      return ImageBudget.this.slot(limits.gatewayDownloads());
    }

    void releaseSlot() {
      ImageBudget.this.releaseSlot(limits.gatewayDownloads());
    }

    /** Gives every reserved byte back; safe to call more than once. */
    public void release() {
      long bytes;
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
        bytes = reserved;
        reserved = 0;
      }
      heldBytes.addAndGet(-bytes);
    }
  }
}
