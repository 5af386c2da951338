package io.geminibalance.storage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One admin change as kept in {@code gb_audit_log}. Values arrive masked (the admin package decides
 * how); storage keeps them as given.
 *
 * @param action what was done, e.g. {@code settings.update}
 * @param clientAddress where the change came from ({@code command-line} for the operator's command)
 * @param adminFingerprint the fingerprint of the admin token used, or null (operator's command)
 */
public record AuditEntry(Instant time, String action, String clientAddress, String adminFingerprint,
    List<Change> changes) {

  /** One setting: its masked value before and after. */
  public record Change(String setting, String oldValue, String newValue) {}

  public AuditEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(action, "action");
    changes = List.copyOf(changes);
  }
}
