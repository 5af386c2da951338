package io.geminibalance.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A plain HTTP/1.1 socket to the gateway for what an HTTP client library hides or refuses: request
 * targets sent byte for byte (no normalising of {@code ..} or encoded characters), partial
 * requests, bytes sent slowly, and whether the server closed the connection.
 */
public final class RawHttp implements AutoCloseable {
  public final Socket socket;
  public final InputStream in;
  public final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connected to 127.0.0.1:{@code port}, reads failing after 15 s of silence. */
  public static RawHttp open(int port) throws IOException {
    Socket socket = new Socket();
    // A small send buffer, so that bytes counted as sent are close to bytes the server could read.
    socket.setSendBufferSize(64 * 1024);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(15_000);
    return new RawHttp(socket);
  }

  public void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /**
   * One request on a connection of its own, which the request asks the server to close: the
   * request line with {@code target} exactly as given, {@code headers} as name-value pairs, and a
   * JSON body when {@code body} is not null.
   */
  public static Answer exchange(int port, String method, String target, String body, String... headers)
      throws IOException {
    try (RawHttp c = open(port)) {
      c.socket.setSoTimeout(30_000);
      StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
          .append("host: 127.0.0.1\r\nconnection: close\r\n");
      for (int i = 0; i < headers.length; i += 2) {
        head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      if (body != null) {
        head.append("content-type: application/json\r\ncontent-length: ").append(payload.length).append("\r\n");
      }
      // The head as UTF-8: a test may put a raw non-ASCII character into the target on purpose.
      c.out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      c.out.write(payload);
      c.out.flush();
      return c.read();
    }
  }

  /** One response: status, headers (names in lower case) and the body. */
  public record Answer(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  /**
   * Reads one response. The body is delimited as HTTP/1.1 says: none for 1xx, 204 and 304, else
   * by chunked transfer coding, else by Content-Length, else by the end of the connection.
   */
  public Answer read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    byte[] body;
    if (code / 100 == 1 || code == 204 || code == 304) {
      body = new byte[0];
    } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
      body = chunked();
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else {
      body = in.readAllBytes();
    }
    return new Answer(code, headers, new String(body, StandardCharsets.UTF_8));
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String size = line(); size != null; size = line()) {
      int length = Integer.parseInt(size.split(";")[0].strip(), 16);
      if (length == 0) {
        for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
          // trailers are not kept
        }
        break;
      }
      body.write(in.readNBytes(length));
      line();
    }
    return body.toByteArray();
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Whether the server closes the connection within {@code millis}: end of stream or a reset.
   * Bytes that still arrive are read and dropped.
   */
  public boolean closedWithin(long millis) throws IOException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    int timeout = socket.getSoTimeout();
    // Read in blocks: the megabytes a large answer leaves in the socket's buffers, one byte a call, take seconds.
    byte[] dropped = new byte[64 * 1024];
    try {
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        try {
          if (in.read(dropped) == -1) {
            return true;
          }
        } catch (SocketTimeoutException e) {
          return false;
        } catch (SocketException e) {
          return true;
        }
      }
      return false;
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(timeout);
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
