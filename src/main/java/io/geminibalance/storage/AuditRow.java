package io.geminibalance.storage;

/** A stored {@link AuditEntry} with its row id (ids grow with time). */
public record AuditRow(long id, AuditEntry entry) {}
