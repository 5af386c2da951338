package io.geminibalance.storage;

import java.util.List;

/** One page of rows and the number of rows matching in total. */
public record Page<T>(List<T> rows, long total) {
  public Page {
    rows = List.copyOf(rows);
  }
}
