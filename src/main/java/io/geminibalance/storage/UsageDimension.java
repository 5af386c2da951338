package io.geminibalance.storage;

/** A column the usage roll-ups can be grouped by. */
public enum UsageDimension {
  BUCKET,
  CLIENT,
  MODEL,
  KEY
}
