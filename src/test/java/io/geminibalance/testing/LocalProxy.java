package io.geminibalance.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real proxy on 127.0.0.1 for tests, in this JVM: an HTTP proxy (CONNECT tunnels, and requests
 * in absolute form, which is how clients send plain {@code http://} calls through an HTTP proxy)
 * or a SOCKS5 proxy (CONNECT command, RFC 1928, with RFC 1929 user/password when credentials are
 * set). One thread per connection; every socket is closed by {@link #close()}.
 *
 * <p>It counts the connections it accepted and the tunnels it opened, and notes each pool key it
 * saw go by in an {@code x-goog-api-key} header (the calls of the tests are plain HTTP inside the
 * tunnel), so a test can tell which proxy a key's calls went through.
 */
public final class LocalProxy implements AutoCloseable {
  /** The protocol the proxy speaks. */
  public enum Kind { HTTP, SOCKS5 }

  private static final Pattern KEY_HEADER = Pattern.compile("(?i)x-goog-api-key:\\s*([^\\s]+)");

  private final Kind kind;
  private final String username;
  private final String password;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger tunnels = new AtomicInteger();
  private final AtomicInteger refusals = new AtomicInteger();
  private final AtomicInteger connectTunnels = new AtomicInteger();
  private final List<String> keysSeen = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private LocalProxy(Kind kind, String username, String password, int port) throws IOException {
    this.kind = kind;
    this.username = username;
    this.password = password;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Thread.ofVirtual().name("local-proxy-accept").start(this::acceptLoop);
  }

  /** A proxy on a free port; {@code username} null: no authentication. */
  public static LocalProxy start(Kind kind, String username, String password) {
    return start(kind, username, password, 0);
  }

  /** A proxy on {@code port} (0: a free one), e.g. to bring a stopped proxy back where it was. */
  public static LocalProxy start(Kind kind, String username, String password, int port) {
    try {
      return new LocalProxy(kind, username, password, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The PROXIES entry for this proxy, with its credentials. */
  public String url() {
    String scheme = kind == Kind.HTTP ? "http" : "socks5";
    return scheme + "://" + (username == null ? "" : username + ":" + password + "@") + "127.0.0.1:" + port();
  }

  /** The same entry with {@code user:password} replaced as the gateway masks it. */
  public String masked() {
    String scheme = kind == Kind.HTTP ? "http" : "socks5";
    return scheme + "://" + (username == null ? "" : "***:***@") + "127.0.0.1:" + port();
  }

  /** Connections accepted. */
  public int connections() {
    return connections.get();
  }

  /** Tunnels (or forwarded requests) opened to a target after authentication. */
  public int tunnels() {
    return tunnels.get();
  }

  /** HTTP CONNECT tunnels opened (the rest of an HTTP proxy's {@link #tunnels} are forwarded requests). */
  public int connectTunnels() {
    return connectTunnels.get();
  }

  /** Connections refused for their credentials. */
  public int refusals() {
    return refusals.get();
  }

  /** Every {@code x-goog-api-key} value seen going to the target, in order. */
  public List<String> keysSeen() {
    return List.copyOf(keysSeen);
  }

  public void clearSeen() {
    keysSeen.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        open.add(client);
        Thread.ofVirtual().name("local-proxy-conn").start(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(30_000);
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      if (kind == Kind.SOCKS5) {
        socks(client, in, out);
      } else {
        http(client, in, out);
      }
    } catch (IOException e) {
      // The client or the target went away: nothing to report.
    } finally {
      open.remove(client);
    }
  }

  private void http(Socket client, InputStream in, OutputStream out) throws IOException {
    String head = readHead(in);
    if (head == null) {
      return;
    }
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3) {
      out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      return;
    }
    if (username != null && !authorized(lines)) {
      refusals.incrementAndGet();
      out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
          + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return;
    }
    if (requestLine[0].equalsIgnoreCase("CONNECT")) {
      String[] hostPort = requestLine[1].split(":");
      Socket target = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
      tunnels.incrementAndGet();
      connectTunnels.incrementAndGet();
      out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      pipe(client, in, out, target);
      return;
    }
    // Absolute form: forward this request with Connection: close, then relay both ways.
    java.net.URI uri = java.net.URI.create(requestLine[1]);
    Socket target = new Socket(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
    tunnels.incrementAndGet();
    StringBuilder forwarded = new StringBuilder(requestLine[0]).append(' ')
        .append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(' ').append(requestLine[2])
        .append("\r\n");
    // A WebSocket upgrade keeps its Connection header; any other request is the last on its connection.
    boolean upgrade = false;
    for (int i = 1; i < lines.length; i++) {
      String name = lines[i].contains(":") ? lines[i].substring(0, lines[i].indexOf(':')).strip()
          .toLowerCase(Locale.ROOT) : "";
      boolean upgradeHeader = name.equals("connection") && lines[i].toLowerCase(Locale.ROOT).contains("upgrade");
      upgrade |= upgradeHeader;
      if (!name.equals("proxy-authorization") && !name.equals("proxy-connection")
          && (!name.equals("connection") || upgradeHeader)) {
        forwarded.append(lines[i]).append("\r\n");
      }
    }
    forwarded.append(upgrade ? "\r\n" : "Connection: close\r\n\r\n");
    byte[] bytes = forwarded.toString().getBytes(StandardCharsets.ISO_8859_1);
    noteKeys(bytes, bytes.length);
    target.getOutputStream().write(bytes);
    pipe(client, in, out, target);
  }

  private boolean authorized(String[] lines) {
    String expected = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("proxy-authorization")
          && line.substring(colon + 1).strip().equals(expected)) {
        return true;
      }
    }
    return false;
  }

  private void socks(Socket client, InputStream in, OutputStream out) throws IOException {
    if (in.read() != 5) {
      return;
    }
    byte[] methods = in.readNBytes(in.read());
    int wanted = username == null ? 0 : 2;
    boolean offered = false;
    for (byte method : methods) {
      offered |= method == wanted;
    }
    if (!offered) {
      refusals.incrementAndGet();
      out.write(new byte[] {5, (byte) 0xff});
      return;
    }
    out.write(new byte[] {5, (byte) wanted});
    out.flush();
    if (wanted == 2) {
      in.read();
      String user = new String(in.readNBytes(in.read()), StandardCharsets.UTF_8);
      String pass = new String(in.readNBytes(in.read()), StandardCharsets.UTF_8);
      boolean ok = user.equals(username) && pass.equals(password);
      out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
      out.flush();
      if (!ok) {
        refusals.incrementAndGet();
        return;
      }
    }
    byte[] request = in.readNBytes(4);
    if (request.length < 4 || request[1] != 1) {
      out.write(new byte[] {5, 7, 0, 1, 0, 0, 0, 0, 0, 0});
      return;
    }
    String host = switch (request[3]) {
      case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
      case 3 -> new String(in.readNBytes(in.read()), StandardCharsets.US_ASCII);
      case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
      default -> null;
    };
    int port = (in.read() << 8) | in.read();
    Socket target;
    try {
      target = new Socket(host, port);
    } catch (IOException e) {
      out.write(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0});
      return;
    }
    tunnels.incrementAndGet();
    out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
    out.flush();
    pipe(client, in, out, target);
  }

  /** Relays both ways until either side closes; notes the keys going to the target. */
  private void pipe(Socket client, InputStream in, OutputStream out, Socket target) throws IOException {
    open.add(target);
    try (target) {
      client.setSoTimeout(0);
      InputStream fromTarget = target.getInputStream();
      OutputStream toTarget = target.getOutputStream();
      Thread back = Thread.ofVirtual().name("local-proxy-back").start(() -> {
        try {
          fromTarget.transferTo(out);
        } catch (IOException e) {
          // closed
        } finally {
          closeQuietly(client);
        }
      });
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        noteKeys(buffer, n);
        toTarget.write(buffer, 0, n);
        toTarget.flush();
      }
      target.shutdownOutput();
      try {
        back.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      open.remove(target);
    }
  }

  private void noteKeys(byte[] bytes, int length) {
    Matcher matcher = KEY_HEADER.matcher(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
    while (matcher.find()) {
      keysSeen.add(matcher.group(1));
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
      if (head.size() > 64 * 1024) {
        return null;
      }
    }
    return null;
  }

  private static void closeQuietly(java.io.Closeable socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Stops accepting and closes every connection, open tunnels included. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }
}
