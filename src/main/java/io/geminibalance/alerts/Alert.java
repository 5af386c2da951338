package io.geminibalance.alerts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something an operator should hear about without watching the admin pages. Each alert has a
 * subject: alerts of one subject that arrive before the next POST are merged into one, so a burst
 * (a key failing on every model, a database away for minutes) makes one entry, not hundreds.
 * Keys appear as their last 4 characters and fingerprint only.
 */
public sealed interface Alert {

  /** The alert's kind in the webhook's JSON: {@code key_disabled}, {@code capacity_low}, ... */
  String kind();

  /** Alerts of one subject are merged while they wait (see {@link #mergedWith}). */
  String subject();

  /** One line for a chat message. */
  String line();

  /** The alert's fields for the JSON body, {@code kind} first. */
  Map<String, Object> fields();

  /** This alert and a newer one of the same subject as one. */
  default Alert mergedWith(Alert newer) {
    return newer;
  }

  /**
   * A key taken out of service.
   *
   * @param pool which pool: {@code gemini}, {@code paid} (PAID_KEY), {@code vertex-express}
   * @param key the key's last 4 characters ({@code ...a1B2})
   * @param model the model it was disabled for, or null for every model
   */
  record KeyDisabled(String pool, String key, String fingerprint, String model, String reason, long atMillis)
      implements Alert {
    @Override
    public String kind() {
      return "key_disabled";
    }

    @Override
    public String subject() {
      return kind() + "/" + pool + "/" + fingerprint + "/" + (model == null ? "" : model);
    }

    @Override
    public String line() {
      return "Key " + key + " (" + pool + " pool) disabled " + (model == null ? "for every model" : "for " + model)
          + ": " + reason;
    }

    @Override
    public Map<String, Object> fields() {
      Map<String, Object> fields = start(this);
      fields.put("pool", pool);
      fields.put("key", key);
      fields.put("fingerprint", fingerprint);
      fields.put("model", model);
      fields.put("reason", reason);
      fields.put("atMillis", atMillis);
      return fields;
    }
  }

  /**
   * Few requests of a model are left for today (its Pacific day) in a pool.
   *
   * @param remainingToday requests the usable and cooling keys may still send today
   * @param capacityToday the day's total of the enabled keys, by the configured limits
   * @param thresholdPercent ALERT_CAPACITY_PERCENT when it was crossed
   */
  record CapacityLow(String pool, String model, long remainingToday, long capacityToday, int thresholdPercent,
      long atMillis) implements Alert {
    @Override
    public String kind() {
      return "capacity_low";
    }

    @Override
    public String subject() {
      return kind() + "/" + pool + "/" + model;
    }

    public double percentLeft() {
      return capacityToday <= 0 ? 0 : Math.round(remainingToday * 1000.0 / capacityToday) / 10.0;
    }

    @Override
    public String line() {
      return model + " (" + pool + " pool): " + remainingToday + " of " + capacityToday + " requests left today ("
          + percentLeft() + " %, below " + thresholdPercent + " %)";
    }

    @Override
    public Map<String, Object> fields() {
      Map<String, Object> fields = start(this);
      fields.put("pool", pool);
      fields.put("model", model);
      fields.put("remainingToday", remainingToday);
      fields.put("capacityToday", capacityToday);
      fields.put("percentLeft", percentLeft());
      fields.put("thresholdPercent", thresholdPercent);
      fields.put("atMillis", atMillis);
      return fields;
    }
  }

  /**
   * Log rows the gateway could not keep (the database slow or away and LOG_QUEUE_SIZE rows waiting).
   *
   * @param log {@code request} or {@code error}
   * @param dropped rows dropped since the last alert of this log
   * @param droppedTotal rows dropped since the gateway started
   */
  record LogRowsDropped(String log, long dropped, long droppedTotal, long atMillis) implements Alert {
    @Override
    public String kind() {
      return "log_rows_dropped";
    }

    @Override
    public String subject() {
      return kind() + "/" + log;
    }

    @Override
    public String line() {
      return dropped + " " + log + " log row(s) dropped (" + droppedTotal + " since start): the database is slow or"
          + " away";
    }

    @Override
    public Map<String, Object> fields() {
      Map<String, Object> fields = start(this);
      fields.put("log", log);
      fields.put("dropped", dropped);
      fields.put("droppedTotal", droppedTotal);
      fields.put("atMillis", atMillis);
      return fields;
    }

    /** Drops waiting to be told add up. */
    @Override
    public Alert mergedWith(Alert newer) {
      return switch (newer) {
        case LogRowsDropped n -> new LogRowsDropped(log, dropped + n.dropped, Math.max(droppedTotal, n.droppedTotal),
            n.atMillis);
        default -> newer;
      };
    }
  }

  private static Map<String, Object> start(Alert alert) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("kind", alert.kind());
    return fields;
  }
}
