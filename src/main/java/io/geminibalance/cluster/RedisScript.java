package io.geminibalance.cluster;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Lua script run atomically by Redis: sent by its SHA-1 (EVALSHA, a few bytes per call), and
 * whole only when Redis does not have it yet (after a restart or a SCRIPT FLUSH).
 */
public final class RedisScript {
  private final String source;
  private final String sha1;

  public RedisScript(String source) {
    this.source = source;
    this.sha1 = sha1(source);
  }

  /** Loads the script from a class-path resource (UTF-8), e.g. {@code /redis/take.lua}. */
  public static RedisScript resource(String path) {
    try (var in = RedisScript.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing Redis script " + path);
      }
      return new RedisScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public String sha1() {
    return sha1;
  }

  /** Runs the script with these keys and arguments: one round trip, two when Redis lacks it. */
  public Future<Response> run(RedisLink link, List<String> keys, List<String> args) {
    return runKeepingReply(link, keys, args).answer();
  }

  /**
   * {@link #run}, keeping the script's reply that may come after the deadline (the script ran
   * then all the same). When Redis lacks the script and the first answer was in time, the reply
   * is the second call's.
   */
  public RedisLink.Sent runKeepingReply(RedisLink link, List<String> keys, List<String> args) {
    RedisLink.Sent bySha = link.sendKeepingReply(request(Command.EVALSHA, sha1, keys, args));
    AtomicReference<Future<Response>> whole = new AtomicReference<>();
    Future<Response> answer = bySha.answer().recover(failure -> {
      if (noScript(failure)) {
        RedisLink.Sent sent = link.sendKeepingReply(request(Command.EVAL, source, keys, args));
        whole.set(sent.reply());
        return sent.answer();
      }
      return Future.failedFuture(failure);
    });
    // The answer's handler above runs first when a NOSCRIPT comes in time (it was chained first).
    Future<Response> reply = bySha.reply().recover(failure -> noScript(failure) && whole.get() != null ? whole.get()
        : Future.failedFuture(failure));
    return new RedisLink.Sent(answer, reply);
  }

  private static boolean noScript(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.startsWith("NOSCRIPT");
  }

  /** The EVALSHA request, for callers that pipeline several calls in one {@link RedisLink#batch}. */
  public Request evalSha(List<String> keys, List<String> args) {
    return request(Command.EVALSHA, sha1, keys, args);
  }

  public Request eval(List<String> keys, List<String> args) {
    return request(Command.EVAL, source, keys, args);
  }

  private static Request request(Command command, String script, List<String> keys, List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static String sha1(String source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
