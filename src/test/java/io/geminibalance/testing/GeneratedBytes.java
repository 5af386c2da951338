package io.geminibalance.testing;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A large request body made on the fly, never held: {@code size} bytes of a repeating pattern,
 * read as a stream, with its SHA-256 worked out the same way.
 */
public final class GeneratedBytes extends InputStream {
  private final long size;
  private long position;

  public GeneratedBytes(long size) {
    this.size = size;
  }

  /** How many bytes have been read so far. */
  public synchronized long position() {
    return position;
  }

  private static byte at(long index) {
    return (byte) (index * 31 + (index >>> 11));
  }

  @Override
  public synchronized int read() {
    return position < size ? at(position++) & 0xFF : -1;
  }

  @Override
  public synchronized int read(byte[] buffer, int offset, int length) {
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(length, size - position);
    for (int i = 0; i < n; i++) {
      buffer[offset + i] = at(position + i);
    }
    position += n;
    return n;
  }

  /** The SHA-256 (hex) of the first {@code size} bytes, computed in pieces. */
  public static String sha256(long size) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      GeneratedBytes bytes = new GeneratedBytes(size);
      byte[] piece = new byte[64 * 1024];
      for (int n = bytes.read(piece, 0, piece.length); n > 0; n = bytes.read(piece, 0, piece.length)) {
        digest.update(piece, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
