package io.geminibalance.storage;

/** A database operation failed; the message names the operation, the cause carries the driver's error. */
public final class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
