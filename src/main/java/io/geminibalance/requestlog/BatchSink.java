package io.geminibalance.requestlog;

import java.util.List;

/** Where a {@link LogWriter} puts its batches; called on the writer thread only, may block. */
@FunctionalInterface
public interface BatchSink<E> {
  void write(List<E> batch) throws Exception;
}
