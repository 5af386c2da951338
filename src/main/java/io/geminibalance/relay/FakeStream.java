package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.AnswerEvents;
import io.geminibalance.protocol.gemini.GeminiErrors;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.streaming.EventHold;
import io.geminibalance.streaming.PacedWriter;
import io.geminibalance.streaming.StreamCut;
import io.geminibalance.streaming.StreamOptimizer;
import io.geminibalance.upstream.AnswerCheck;
import io.geminibalance.upstream.KeyChoice;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Fake streaming: a streamed request served by one non-streamed {@code generateContent} call (the
 * same pool, retries, empty-answer retry and log rows as any call), while the client's stream is
 * kept alive with heartbeats (the surface's SSE comment) every {@link StreamPlan.Fake#heartbeatMillis}.
 * The answer then goes through the very transformer a real stream would have used, as the events
 * of {@link AnswerEvents}, so the client sees what a real stream gives: thoughts, text, tool calls,
 * finish reason, usage, and the surface's end.
 *
 * <p>The response headers go with the first heartbeat: a failure before it is the surface's
 * ordinary error answer with its status; after it, the error event of the surface's streams
 * (Google's error object fed to the transformer, as an upstream error event would be). A client that
 * leaves cancels the upstream call (the relay's close handler resets it) and stops the heartbeats.
 */
final class FakeStream {
  /** What a surface writes before its stream has started. */
  interface Surface {
    /** The call failed (Google's error, or the pool's refusal). */
    void failure(HttpServerResponse client, UpstreamResult.Failed failed);

    /** The gateway could not use the answer. */
    void error(HttpServerResponse client, int status, String message, String code);
  }

  private FakeStream() {}

  /**
   * Serves {@code call} (a non-streamed {@code generateContent}); the future completes when the
   * client's response has ended, with the answer when there was one, else null. The answer's
   * attempt is logged here with its usage (abandoned when the client had left).
   */
  static Future<UpstreamResult.Answered> serve(Vertx vertx, HttpServerResponse client, UpstreamExecutor via,
      UpstreamCall call, RequestContext ctx, KeyChoice keys, StreamPlan.Fake plan, ChunkTransformer transformer,
      StreamOptimizer optimizer, Surface surface) {
    return serve(vertx, client, via, call, ctx, keys, plan, transformer, optimizer, null, surface);
  }

  /**
   * As {@link #serve(Vertx, HttpServerResponse, UpstreamExecutor, UpstreamCall, RequestContext, KeyChoice,
   * StreamPlan.Fake, ChunkTransformer, StreamOptimizer, Surface)}, the answer's events written through
   * {@code hold} (null: none is held), as a real stream's are.
   */
  static Future<UpstreamResult.Answered> serve(Vertx vertx, HttpServerResponse client, UpstreamExecutor via,
      UpstreamCall call, RequestContext ctx, KeyChoice keys, StreamPlan.Fake plan, ChunkTransformer transformer,
      StreamOptimizer optimizer, EventHold hold, Surface surface) {
    Promise<UpstreamResult.Answered> done = Promise.promise();
    Heartbeat heartbeat = new Heartbeat(vertx, client, transformer, plan.heartbeatMillis());
    // Cut while heartbeats run, whether or not a call is in flight upstream (it may still wait for
    // a key): the stream ends now with the cut event. Once the heartbeats stopped, the answer's
    // own handling below sees the cut. Only a managed token's request can be cut.
    if (ctx.token() != null) {
      ctx.endsStreamOnCut(() -> {
        if (heartbeat.stop()) {
          cutOff(client, heartbeat, transformer, ctx);
        }
      });
    }
    via.execute(call, ctx, keys, AnswerCheck.EMPTY).onComplete(ar -> {
      if (ar.failed()) {
        heartbeat.stop();
        String message = UnexpectedFailure.logged(ctx, ar.cause());
        if (heartbeat.started()) {
          endWithError(client, transformer, GeminiErrors.body(500, message));
        } else {
          surface.error(client, 500, message, "internal");
        }
        done.complete();
        return;
      }
      switch (ar.result()) {
        case UpstreamResult.Failed failed -> {
          heartbeat.stop();
          if (cutOff(client, heartbeat, transformer, ctx)) {
            done.complete();
            return;
          }
          if (heartbeat.started()) {
            endWithError(client, transformer, errorJson(failed));
          } else {
            surface.failure(client, failed);
          }
          done.complete();
        }
        case UpstreamResult.Answered answered -> answered.wholeBody(via.bodyIdleTimeoutMillis()).onComplete(body -> {
          heartbeat.stop();
          if (body.failed()) {
            Throwable cause = body.cause();
            boolean stalled = cause instanceof TimeoutException;
            AnswerUsage.report(answered.log(), client, TokenUsage.NONE);
            if (!cutOff(client, heartbeat, transformer, ctx)) {
              fail(client, heartbeat, transformer, surface, stalled ? 504 : 502,
                  (stalled ? "upstream answer stalled: " : "upstream answer broke: ") + cause.getMessage(),
                  stalled ? "deadline_exceeded" : "bad_gateway");
            }
          } else {
            ObjectNode answer = object(body.result());
            AnswerUsage.report(answered.log(), client, TokenUsage.fromAnswer(answer));
            if (answer == null) {
              fail(client, heartbeat, transformer, surface, 502, "upstream answer was not a JSON object",
                  "bad_gateway");
            } else {
              heartbeat.startIfNeeded();
              List<Buffer> out = new ArrayList<>();
              for (ObjectNode event : AnswerEvents.of(answer)) {
                out.addAll(transformer.onChunk(sse(event.toString())));
              }
              out.addAll(transformer.onEnd());
              if ((optimizer == null && hold == null) || client.closed() || client.ended()) {
                write(client, out);
                end(client);
              } else {
                PacedWriter paced = new PacedWriter(vertx, client, optimizer, hold);
                paced.write(out);
                paced.end();
              }
            }
          }
          done.complete(answered);
        });
      }
    });
    return done.future();
  }

  private static void fail(HttpServerResponse client, Heartbeat heartbeat, ChunkTransformer transformer,
      Surface surface, int status, String message, String code) {
    if (heartbeat.started()) {
      Buffer event = transformer.onFailure(new IllegalStateException(message));
      if (event != null) {
        write(client, List.of(event));
      }
      end(client);
    } else {
      surface.error(client, status, message, code);
    }
  }

  /**
   * The request was cut, its token no longer valid: a stream begun (heartbeats) ends with the
   * surface's cut event, as a real stream does; before that the server has answered 401 itself.
   *
   * @return whether it was cut
   */
  private static boolean cutOff(HttpServerResponse client, Heartbeat heartbeat, ChunkTransformer transformer,
      RequestContext ctx) {
    StreamCut cut = ctx.streamCut();
    if (cut == null) {
      return false;
    }
    if (heartbeat.started()) {
      Buffer event = transformer.onCut(cut);
      if (event != null) {
        write(client, List.of(event));
      }
      end(client);
    }
    return true;
  }

  /** Google's error object for a failed call: its own (compacted onto one line) or the gateway's. */
  private static String errorJson(UpstreamResult.Failed failed) {
    if (failed.upstreamBody() != null && failed.upstreamBody().length() > 0) {
      ObjectNode error = object(failed.upstreamBody());
      if (error != null && error.hasNonNull("error")) {
        return error.toString();
      }
    }
    return GeminiErrors.body(failed.status(), failed.message());
  }

  /** Ends with the error as an upstream error event would have ended a real stream. */
  private static void endWithError(HttpServerResponse client, ChunkTransformer transformer, String errorJson) {
    write(client, transformer.onChunk(sse(errorJson)));
    write(client, transformer.onEnd());
    end(client);
  }

  private static Buffer sse(String json) {
    return Buffer.buffer("data: " + json + "\n\n");
  }

  private static ObjectNode object(Buffer body) {
    try {
      JsonNode node = OpenAiRelay.readJson(body);
      return node instanceof ObjectNode object ? object : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static void write(HttpServerResponse client, List<Buffer> out) {
    if (client.closed() || client.ended()) {
      return;
    }
    out.forEach(client::write);
  }

  private static void end(HttpServerResponse client) {
    if (!client.closed() && !client.ended()) {
      client.end();
    }
  }

  /** The heartbeats, and the stream's headers, which go with the first one. */
  private static final class Heartbeat {
    private final Vertx vertx;
    private final HttpServerResponse client;
    private final ChunkTransformer transformer;
    private final long timer;
    private boolean started;

    Heartbeat(Vertx vertx, HttpServerResponse client, ChunkTransformer transformer, long periodMillis) {
      this.vertx = vertx;
      this.client = client;
      this.transformer = transformer;
      this.timer = vertx.setPeriodic(periodMillis, id -> beat());
    }

    private void beat() {
      if (client.closed() || client.ended()) {
        stop();
        return;
      }
      startIfNeeded();
      Buffer beat = transformer.keepalive();
      // A full write queue skips the beat: bytes are on their way anyway.
      if (beat != null && !client.writeQueueFull()) {
        client.write(beat);
      }
    }

    boolean started() {
      return started;
    }

    void startIfNeeded() {
      if (started || client.closed() || client.ended()) {
        return;
      }
      started = true;
      client.setStatusCode(200).setChunked(true)
          .putHeader("content-type", "text/event-stream; charset=UTF-8")
          .putHeader("cache-control", "no-cache")
          .putHeader("x-accel-buffering", "no");
    }

    /** @return whether the heartbeats were running until now */
    boolean stop() {
      return vertx.cancelTimer(timer);
    }
  }
}
