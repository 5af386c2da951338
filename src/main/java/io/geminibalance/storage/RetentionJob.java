package io.geminibalance.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old log rows daily at 00:00 in TIMEZONE (Asia/Shanghai by default, as gemini-balance),
 * in bounded batches. The policy is read at each run, so a settings change applies the next night.
 * The same run trims the usage roll-ups (minute rows after 48 hours, hour rows after 31 days, day
 * rows after USAGE_RETENTION_DAYS) and deletes the stored responses that have expired, whatever the policy: an expired
 * response is already invisible to every read, so once a day is enough to keep the table from
 * growing, and each statement deleting a bounded batch keeps locks short.
 */
public final class RetentionJob implements AutoCloseable {
  /** What one run deleted. */
  public record Result(int errorLogsDeleted, int requestLogsDeleted, int responsesDeleted, int usageRowsDeleted) {
    public Result(int errorLogsDeleted, int requestLogsDeleted, int responsesDeleted) {
      this(errorLogsDeleted, requestLogsDeleted, responsesDeleted, 0);
    }
  }

  /**
   * How long the minute and hour roll-ups are kept: two days of minutes (the finest chart, 48 h),
   * a month of hours (a 30-day hourly chart). The day roll-up follows USAGE_RETENTION_DAYS.
   */
  public static final Duration MINUTE_ROLLUP_AGE = Duration.ofHours(48);
  public static final Duration HOUR_ROLLUP_AGE = Duration.ofDays(31);

  public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
  private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

  private final RequestLogStore requestLogs;
  private final ErrorLogStore errorLogs;
  private final ResponseStore responses;
  private final UsageStore usage;
  private final Supplier<RetentionPolicy> policy;
  private final Clock clock;
  private final int batchSize;
  private ScheduledExecutorService scheduler;

  /** Without the usage roll-ups. */
  public RetentionJob(RequestLogStore requestLogs, ErrorLogStore errorLogs, ResponseStore responses,
      Supplier<RetentionPolicy> policy, Clock clock, int batchSize) {
    this(requestLogs, errorLogs, responses, null, policy, clock, batchSize);
  }

  /** @param usage the usage roll-ups to trim, or null */
  public RetentionJob(RequestLogStore requestLogs, ErrorLogStore errorLogs, ResponseStore responses,
      UsageStore usage, Supplier<RetentionPolicy> policy, Clock clock, int batchSize) {
    this.usage = usage;
    this.requestLogs = requestLogs;
    this.errorLogs = errorLogs;
    this.responses = responses;
    this.policy = policy;
    this.clock = clock;
    this.batchSize = batchSize;
  }

  /** Deletes what the current policy says is too old; blocks until done. */
  public Result runOnce() {
    RetentionPolicy current = policy.get();
    Instant now = clock.instant();
    int errors = current.errorLogsEnabled()
        ? errorLogs.deleteOlderThan(now.minus(Duration.ofDays(current.errorLogDays())), batchSize).join() : 0;
    int requests = current.requestLogsEnabled()
        ? requestLogs.deleteOlderThan(now.minus(Duration.ofDays(current.requestLogDays())), batchSize).join() : 0;
    return new Result(errors, requests, deleteExpiredResponses(now.toEpochMilli()), deleteOldUsage(now, current));
  }

  /** The roll-ups are kept whether or not the raw rows they sum are (AUTO_DELETE_REQUEST_LOGS_*). */
  private int deleteOldUsage(Instant now, RetentionPolicy current) {
    if (usage == null) {
      return 0;
    }
    return usage.deleteOlderThan(TimeBucket.MINUTE, now.minus(MINUTE_ROLLUP_AGE), batchSize).join()
        + usage.deleteOlderThan(TimeBucket.HOUR, now.minus(HOUR_ROLLUP_AGE), batchSize).join()
        + usage.deleteOlderThan(TimeBucket.DAY, now.minus(Duration.ofDays(current.usageDays())), batchSize).join();
  }

  /**
   * Batch after batch until one comes back short: rows saved meanwhile expire after {@code now},
   * so the loop ends even while responses keep being stored.
   */
  private int deleteExpiredResponses(long nowMillis) {
    int total = 0;
    int deleted;
    do {
      deleted = responses.deleteExpired(nowMillis, batchSize).join();
      total += deleted;
    } while (deleted >= batchSize);
    return total;
  }

  /** The first midnight in {@code zone} strictly after {@code now}. */
  public static ZonedDateTime nextRun(Instant now, ZoneId zone) {
    return now.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone);
  }

  /** Schedules the daily run on a thread of its own. */
  public synchronized void start(ZoneId zone) {
    if (scheduler != null) {
      throw new IllegalStateException("retention job already started");
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("gb-retention").daemon(true).factory());
    scheduleNext(zone);
  }

  private void scheduleNext(ZoneId zone) {
    Instant now = clock.instant();
    long delay = Duration.between(now, nextRun(now, zone).toInstant()).toMillis();
    scheduler.schedule(() -> runAndReschedule(zone), delay, TimeUnit.MILLISECONDS);
  }

  private void runAndReschedule(ZoneId zone) {
    try {
      Result result = runOnce();
      LOG.info("retention: deleted {} error-log and {} request-log rows, {} expired stored responses, {} usage roll-up rows",
          result.errorLogsDeleted(), result.requestLogsDeleted(), result.responsesDeleted(), result.usageRowsDeleted());
    } catch (RuntimeException e) {
      LOG.warn("retention: run failed, next try at the next midnight: {}", e.toString());
    } finally {
      if (!scheduler.isShutdown()) {
        scheduleNext(zone);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
