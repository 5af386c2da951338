package io.geminibalance.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-test fake of Google's Live API WebSocket on a real socket (own Vert.x, 127.0.0.1, an
 * ephemeral port): the gateway's BASE_URL points here. Per key it accepts the session (answers the
 * setup with {@code setupComplete}, a text turn with a model turn and {@code turnComplete}, echoes
 * other text and binary messages, answers {@code "fragment-me"} with a fragmented message), refuses
 * the handshake with an HTTP status, or closes right after the setup, as Google does for a bad key
 * or exhausted quota. It records every handshake and what each session received.
 */
public final class FakeLive implements AutoCloseable {
  /** The text that makes the fake answer with a message in two fragments. */
  public static final String FRAGMENT_ME = "fragment-me";

  private final Vertx vertx;
  private final HttpServer server;
  private final Map<String, Behaviour> byKey = new ConcurrentHashMap<>();
  /** Every session opened, in order (refused handshakes included, with a null socket). */
  public final LinkedBlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
  public final List<Session> all = new CopyOnWriteArrayList<>();

  /** What the fake does with a handshake that carries a given key. */
  public sealed interface Behaviour {}

  /** A working session. */
  public record Accept() implements Behaviour {}

  /** The handshake answered with an HTTP status and body (a proxy in BASE_URL, say). */
  public record Reject(int status, String body) implements Behaviour {}

  /** A session that never answers its setup. */
  public record Silent() implements Behaviour {}

  /** The setup answered with a close frame (Google: bad key, quota, bad setup). */
  public record CloseAfterSetup(int code, String reason) implements Behaviour {}

  /** One handshake and the session it opened. */
  public static final class Session {
    public final String path;
    public final String query;
    public final io.vertx.core.MultiMap headers;
    /** Every data, ping and pong frame received, in order. */
    public final LinkedBlockingQueue<WebSocketFrame> frames = new LinkedBlockingQueue<>();
    /** Whole text messages received. */
    public final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    /** The close code and reason the gateway sent (or 1006 without a close frame). */
    public final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private ServerWebSocket socket;
    private Vertx vertx;

    Session(HttpServerRequest request) {
      this.path = request.path();
      this.query = request.query();
      this.headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    }

    /** The key the gateway sent, from {@code x-goog-api-key}. */
    public String key() {
      return headers.get("x-goog-api-key");
    }

    /** Closes the session from Google's side. */
    public void close(int code, String reason) {
      vertx.runOnContext(v -> socket.close((short) code, reason));
    }

    /** Runs {@code action} with the socket on its event loop. */
    public void onContext(java.util.function.Consumer<ServerWebSocket> action) {
      vertx.runOnContext(v -> action.accept(socket));
    }

    /** Sends a frame to the gateway. */
    public void send(WebSocketFrame frame) {
      vertx.runOnContext(v -> socket.writeFrame(frame));
    }
  }

  /** How a socket was closed, as seen by its other end. */
  public record Closed(int code, String reason) {}

  private FakeLive(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static FakeLive start() {
    Vertx vertx = Vertx.vertx();
    FakeLive[] holder = new FakeLive[1];
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketFrameSize(64 * 1024 * 1024)
            .setMaxWebSocketMessageSize(64 * 1024 * 1024))
        .requestHandler(request -> holder[0].handle(request));
    holder[0] = new FakeLive(vertx, server);
    try {
      server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(e);
    }
    return holder[0];
  }

  /** For BASE_URL: Google's layout, with the API version in the path (the Live path is at the root). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1beta";
  }

  public FakeLive on(String key, Behaviour behaviour) {
    byKey.put(key, behaviour);
    return this;
  }

  /** Forgets the rules and the sessions. */
  public void reset() {
    byKey.clear();
    sessions.clear();
    all.clear();
  }

  /** The next session opened (in order), waiting up to 10 s. */
  public Session nextSession() {
    try {
      Session session = sessions.poll(10, TimeUnit.SECONDS);
      if (session == null) {
        throw new AssertionError("no upstream Live session within 10 s");
      }
      return session;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpServerRequest request) {
    Session session = new Session(request);
    session.vertx = vertx;
    Behaviour behaviour = byKey.getOrDefault(String.valueOf(session.key()), new Accept());
    all.add(session);
    sessions.add(session);
    if (!request.path().startsWith("/ws/google.ai.generativelanguage.")) {
      request.response().setStatusCode(404).end("{\"error\":{\"code\":404,\"message\":\"no such path\","
          + "\"status\":\"NOT_FOUND\"}}");
      return;
    }
    switch (behaviour) {
      case Reject reject -> request.response().setStatusCode(reject.status())
          .putHeader("content-type", "application/json").end(reject.body());
      case Accept accept -> request.toWebSocket().onSuccess(ws -> serve(session, ws, null));
      case CloseAfterSetup close -> request.toWebSocket().onSuccess(ws -> serve(session, ws, close));
      case Silent silent -> request.toWebSocket().onSuccess(ws -> {
        session.socket = ws;
        ws.textMessageHandler(session.texts::add);
        ws.closeHandler(v -> session.closed.complete(new Closed(ws.closeStatusCode() == null ? 1006
            : ws.closeStatusCode(), ws.closeReason())));
      });
    }
  }

  private void serve(Session session, ServerWebSocket ws, CloseAfterSetup closeAfterSetup) {
    session.socket = ws;
    ws.frameHandler(frame -> {
      // A copy: Vert.x's message aggregator appends a message's later fragments to its first frame's buffer.
      Buffer data = frame.binaryData().copy();
      switch (frame.type()) {
        case TEXT -> session.frames.add(WebSocketFrame.textFrame(data.toString(), frame.isFinal()));
        case BINARY -> session.frames.add(WebSocketFrame.binaryFrame(data, frame.isFinal()));
        case CONTINUATION -> session.frames.add(WebSocketFrame.continuationFrame(data, frame.isFinal()));
        case PING -> session.frames.add(WebSocketFrame.pingFrame(data));
        case PONG -> session.frames.add(WebSocketFrame.pongFrame(data));
        case CLOSE -> { }
      }
    });
    ws.closeHandler(v -> session.closed.complete(new Closed(ws.closeStatusCode() == null ? 1006
        : ws.closeStatusCode(), ws.closeReason())));
    ws.binaryMessageHandler(ws::writeBinaryMessage);
    ws.textMessageHandler(text -> {
      session.texts.add(text);
      if (text.contains("\"setup\"")) {
        if (closeAfterSetup != null) {
          ws.close((short) closeAfterSetup.code(), closeAfterSetup.reason());
        } else {
          ws.writeTextMessage("{\"setupComplete\":{}}");
        }
      } else if (text.contains("\"clientContent\"")) {
        String said = new JsonObject(text).getJsonObject("clientContent").getJsonArray("turns").getJsonObject(0)
            .getJsonArray("parts").getJsonObject(0).getString("text");
        ws.writeTextMessage(new JsonObject().put("serverContent", new JsonObject().put("modelTurn",
            new JsonObject().put("role", "model").put("parts", List.of(Map.of("text", "echo: " + said))))).encode());
        ws.writeTextMessage("{\"serverContent\":{\"turnComplete\":true}}");
      } else if (text.equals(FRAGMENT_ME)) {
        ws.writeFrame(WebSocketFrame.textFrame("first half, ", false));
        ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("second half"), true));
      } else {
        ws.writeTextMessage(text);
      }
    });
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
