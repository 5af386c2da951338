package io.geminibalance.upstream;

import io.geminibalance.auth.TokenRefusal;
import io.geminibalance.keypool.Acquisition;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyLease;
import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.KeyPool;
import io.geminibalance.keypool.RateLimits;
import io.geminibalance.metrics.AttemptOutcome;
import io.geminibalance.metrics.RequestMeter;
import io.geminibalance.protocol.gemini.GoogleError;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.AttemptLog;
import io.geminibalance.requestlog.AttemptRecord;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestBodyExcerpt;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.streaming.UsageTap;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpClientResponse;
import io.netty.handler.timeout.TimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one call through the pool: lease a key, send, classify, release, and try another key
 * while the classifier says another key may succeed and attempts remain. Nothing reaches the
 * client from here; the caller gets either a paused 2xx answer or the final failure.
 */
public final class UpstreamExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamExecutor.class);

  private final Leaser leaser;
  private final KeyPool pool;
  private final UpstreamClient client;
  private final AttemptLog attemptLog;
  private final IntSupplier maxAttempts;
  private final LongSupplier clock;
  private final SecretRedactor redactor;
  private final EmptyAnswers emptyAnswers;

  /**
   * Bodies are read for {@link AnswerCheck#EMPTY} only up to this: an empty answer is a few hundred
   * bytes, and a large one (inline images) is relayed as it comes, unread when its declared length
   * is larger, else after the bytes read up to here.
   */
  static final long EMPTY_CHECK_MAX_BYTES = 64 * 1024;

  /** An executor that retries empty answers (EMPTY_RESPONSE_RETRY's default), counted on its own. */
  public UpstreamExecutor(Leaser leaser, KeyPool pool, UpstreamClient client, AttemptLog attemptLog,
      IntSupplier maxAttempts, LongSupplier clockMillis, SecretRedactor redactor) {
    this(leaser, pool, client, attemptLog, maxAttempts, clockMillis, redactor, new EmptyAnswers(() -> true));
  }

  public UpstreamExecutor(Leaser leaser, KeyPool pool, UpstreamClient client, AttemptLog attemptLog,
      IntSupplier maxAttempts, LongSupplier clockMillis, SecretRedactor redactor, EmptyAnswers emptyAnswers) {
    this.emptyAnswers = emptyAnswers;
    this.leaser = leaser;
    this.pool = pool;
    this.client = client;
    this.attemptLog = attemptLog;
    this.maxAttempts = maxAttempts;
    this.clock = clockMillis;
    this.redactor = redactor;
  }

  /**
   * How long a relayed answer body may go without upstream bytes (TIME_OUT): the request's own
   * idle timeout stops once the response headers are in, so relays watch the body themselves.
   */
  public long bodyIdleTimeoutMillis() {
    return client.settings().timeout().toMillis();
  }

  /**
   * How long a relayed SSE answer may be silent before the client gets a keepalive comment
   * (STREAM_KEEPALIVE_SECONDS; 0: never), read per stream so a change applies to the next one.
   */
  public long streamKeepaliveMillis() {
    return client.settings().streamKeepalive().toMillis();
  }

  /** BASE_URL as in force now (media endpoints are found from it). */
  public java.net.URI baseUrl() {
    return client.settings().baseUrl();
  }

  public Future<UpstreamResult> execute(UpstreamCall call, RequestContext ctx) {
    return execute(call, ctx, KeyChoice.ANY);
  }

  /** Carries {@code call} through the keys {@code keys} allows. */
  public Future<UpstreamResult> execute(UpstreamCall call, RequestContext ctx, KeyChoice keys) {
    return execute(call, ctx, keys, AnswerCheck.NONE);
  }

  /** As {@link #execute(UpstreamCall, RequestContext, KeyChoice)}, checking 2xx answers as {@code check} says. */
  public Future<UpstreamResult> execute(UpstreamCall call, RequestContext ctx, KeyChoice keys, AnswerCheck check) {
    ctx.meter().model(call.model());
    if (!RateLimits.UNMETERED.equals(call.model())) {
      // Every surface passes here once the model is known, before any key is leased; calls of no
      // model (model lists, files, operations) are not a model's use.
      UpstreamResult.Failed refused = modelRefused(ctx, call.requestedModel(), call.model());
      if (refused != null) {
        return Future.succeededFuture(refused);
      }
    }
    return attempt(call, ctx, keys, check, 1, new HashSet<>(), null);
  }

  /**
   * The 403 a managed token gets for a model outside its list, or null (no managed token, or one
   * that may use {@code model}). A single-model lookup ({@code GET models/{id}}) asks this itself
   * before it is executed: its call counts against the model-list bucket, not the model, so the
   * check above leaves it alone, yet it must not show a model the token's list hides.
   */
  public static UpstreamResult.Failed modelRefused(RequestContext ctx, String model) {
    return modelRefused(ctx, model, model);
  }

  /**
   * As {@link #modelRefused(RequestContext, String)} for {@code requested}, a name that stands for
   * the model {@code base} (a virtual name): allowed when the token's list allows either.
   */
  public static UpstreamResult.Failed modelRefused(RequestContext ctx, String requested, String base) {
    TokenRefusal refused = ctx.token() == null ? null : TokenRefusal.model(ctx.token(), requested, base);
    return refused == null ? null : new UpstreamResult.Failed(refused.status(), null, 0, refused.message(), false);
  }

  /** The empty answers this executor saw. */
  public EmptyAnswers emptyAnswers() {
    return emptyAnswers;
  }

  private Future<UpstreamResult> attempt(UpstreamCall call, RequestContext ctx, KeyChoice keys, AnswerCheck check,
      int attempt, Set<ApiKey> tried, UpstreamResult.Failed last) {
    if (ctx.clientGone()) {
      return Future.succeededFuture(new UpstreamResult.Failed(499, null, 0, "client closed", false));
    }
    Future<Acquisition> acquired = switch (keys) {
      case KeyChoice.AnyKey any -> leaser.lease(call.model(), tried);
      case KeyChoice.Pinned pinned -> leaser.leaseKey(call.model(), pinned.keyFingerprint());
    };
    RequestMeter meter = ctx.meter();
    if (meter.on() && !acquired.isComplete()) {
      long since = meter.waitStarted();
      acquired = acquired.andThen(ar -> meter.waited(since));
    }
    return acquired.compose(acquisition -> switch (acquisition) {
      case Acquisition.Refused refused -> Future.succeededFuture(last != null ? last : refusedByGateway(ctx, switch (keys) {
        case KeyChoice.AnyKey any -> refusal(refused);
        case KeyChoice.Pinned pinned -> pinnedRefusal(pinned, refused);
      }));
      case Acquisition.Granted granted -> send(call, ctx, keys, check, attempt, tried, granted.lease());
    });
  }

  private Future<UpstreamResult> send(UpstreamCall call, RequestContext ctx, KeyChoice keys, AnswerCheck check,
      int attempt, Set<ApiKey> tried, KeyLease lease) {
    if (ctx.clientGone()) {
      // Gone while it waited for the key: nothing is sent, and the key's turn is given back.
      pool.release(lease, KeyOutcome.NEUTRAL);
      return Future.succeededFuture(new UpstreamResult.Failed(499, null, 0, "client closed", false));
    }
    tried.add(lease.key());
    ctx.meter().attemptStarted();
    long started = clock.getAsLong();
    return client.send(call, lease.key(), ctx::attach)
        .transform(ar -> afterSend(ar, call, ctx, keys, check, attempt, tried, lease, started));
  }

  private Future<UpstreamResult> afterSend(AsyncResult<HttpClientResponse> ar, UpstreamCall call,
      RequestContext ctx, KeyChoice keys, AnswerCheck check, int attempt, Set<ApiKey> tried, KeyLease lease,
      long started) {
    if (ar.failed()) {
      return afterTransportFailure(ar.cause(), call, ctx, keys, check, attempt, tried, lease, started);
    }
    HttpClientResponse response = ar.result();
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      ctx.answerBegins(response);
      // A body of unknown length (chunked) is read only up to the bound as well: past it, it is
      // not empty, and what was read goes to the surface to be relayed before the rest.
      if (check == AnswerCheck.EMPTY && emptyAnswers.retryOn()
          && BodyRelay.declaredLength(response) <= EMPTY_CHECK_MAX_BYTES) {
        return BodyRelay.collectUpTo(response, EMPTY_CHECK_MAX_BYTES, bodyIdleTimeoutMillis()).transform(b -> {
          if (b.failed()) {
            return Future.succeededFuture(ctx.clientGone()
                ? abandonedWhileChecked(call, ctx, attempt, lease, started, response)
                : bodyFailed(b.cause(), call, ctx, attempt, lease, started));
          }
          BodyRelay.Prefix prefix = b.result();
          return prefix.complete()
              ? afterWholeAnswer(call, ctx, keys, check, attempt, tried, lease, started, response, prefix.bytes())
              : Future.succeededFuture(answered(call, ctx, attempt, lease, started, response, null,
                  prefix.bytes(), Verdict.SUCCESS));
        });
      }
      return Future.succeededFuture(answered(call, ctx, attempt, lease, started, response, null, null,
          Verdict.SUCCESS));
    }
    // An error body that stalls must not hold the request (or the lease) past TIME_OUT either.
    return BodyRelay.collect(response, bodyIdleTimeoutMillis()).transform(b -> {
      Buffer errorBody = b.succeeded() ? redacted(b.result()) : Buffer.buffer();
      return afterErrorAnswer(call, ctx, keys, check, attempt, tried, lease, started, status, errorBody);
    });
  }

  /** A 2xx attempt that counts (the key's success, or neutral for an empty answer), logged now or once the surface has read the usage. */
  private UpstreamResult.Answered answered(UpstreamCall call, RequestContext ctx, int attempt, KeyLease lease,
      long started, HttpClientResponse response, Buffer body, Buffer head, Verdict verdict) {
    pool.release(lease, verdict.keyOutcome());
    ctx.meter().attemptEnded(call.model(), verdict.success() ? AttemptOutcome.SUCCESS : AttemptOutcome.EMPTY_ANSWER,
        attempt);
    AttemptRecord record = record(call, ctx, attempt, lease, response.statusCode(), started, null);
    ctx.answering(record, attemptLog);
    UpstreamResult.UsageLog usageLog = UpstreamResult.UsageLog.ALREADY_LOGGED;
    if (call.readsUsage()) {
      usageLog = new OnceUsageLog(attemptLog, record, ctx.meter());
    } else {
      attemptLog.record(record);
    }
    return new UpstreamResult.Answered(response.request(), response, lease, attempt, usageLog, body, head);
  }

  /**
   * A whole 2xx body read for {@link AnswerCheck#EMPTY}. An empty answer is nobody's fault (the
   * key is released neutral) and is retried once per request on another key while one may be
   * tried; its attempt is logged as failed with "empty answer, retried". Should the retry fail,
   * the client still gets this empty answer rather than the retry's error. A second empty answer
   * (or one no other key could replace) goes to the client as it is.
   */
  private Future<UpstreamResult> afterWholeAnswer(UpstreamCall call, RequestContext ctx, KeyChoice keys,
      AnswerCheck check, int attempt, Set<ApiKey> tried, KeyLease lease, long started, HttpClientResponse response,
      Buffer body) {
    Verdict verdict = classified(body);
    if (verdict.success()) {
      return Future.succeededFuture(answered(call, ctx, attempt, lease, started, response, body, null, verdict));
    }
    LOG.debug("request {} attempt {} key {}: {}", ctx.requestId(), attempt, lease.key(), verdict.reason());
    boolean anotherKeyAllowed = switch (keys) {
      case KeyChoice.AnyKey any -> true;
      case KeyChoice.Pinned pinned -> false;
    };
    if (anotherKeyAllowed && verdict.retryOnAnotherKey() && attempt < maxAttempts.getAsInt() && !ctx.clientGone()
        && ctx.firstEmptyAnswer()) {
      pool.release(lease, verdict.keyOutcome());
      ctx.meter().attemptEnded(call.model(), AttemptOutcome.EMPTY_ANSWER, attempt);
      emptyAnswers.countRetried();
      AttemptRecord ok = record(call, ctx, attempt, lease, response.statusCode(), started,
          verdict.reason() + ", retried");
      // Google counts an empty answer's tokens (its prompt, any thinking): logged, charged and counted.
      TokenUsage usage = call.readsUsage() ? UsageTap.of(body) : TokenUsage.NONE;
      attemptLog.record(new AttemptRecord(ok.timeMillis(), ok.requestId(), ok.model(), ok.key(), ok.client(),
          ok.attempt(), ok.statusCode(), false, ok.latencyMillis(), ok.stream(), ok.operation(), ok.errorMessage(),
          ok.requestBody(), usage, false));
      OnceUsageLog.counted(ctx.meter(), ok.model(), usage);
      UpstreamResult.Answered fallback = new UpstreamResult.Answered(response.request(), response, lease, attempt,
          UpstreamResult.UsageLog.ALREADY_LOGGED, body);
      return attempt(call, ctx, keys, check, attempt + 1, tried, null).map(next -> switch (next) {
        case UpstreamResult.Answered done -> done;
        case UpstreamResult.Failed failed -> {
          if (failed.status() == 499) {
            yield failed;
          }
          emptyAnswers.countReturned();
          yield fallback;
        }
      });
    }
    emptyAnswers.countReturned();
    return Future.succeededFuture(answered(call, ctx, attempt, lease, started, response, body, null, verdict));
  }

  /**
   * A 2xx body that broke off or went silent for TIME_OUT while it was read for a check: the same
   * answer the surface gives when that happens as it relays a body (504 stalled, 502 broke), not
   * retried (the answer had begun), and not held against the key.
   */
  private UpstreamResult.Failed bodyFailed(Throwable cause, UpstreamCall call, RequestContext ctx, int attempt,
      KeyLease lease, long started) {
    pool.release(lease, KeyOutcome.NEUTRAL);
    boolean stalled = cause instanceof java.util.concurrent.TimeoutException;
    int status = stalled ? 504 : 502;
    String message = (stalled ? "upstream answer stalled: " : "upstream answer broke: ") + cause.getMessage();
    ctx.meter().attemptEnded(call.model(), AttemptOutcome.BROKEN_ANSWER, attempt);
    log(call, ctx, attempt, lease, status, started, message);
    return new UpstreamResult.Failed(status, null, 0, message, false);
  }

  /**
   * A 2xx body that failed, read for a check, after the client left (a surface that reads
   * abandoned answers on reads to the end, so it broke, went silent or was cut at shutdown; else
   * the close reset it): Google answered, so the attempt is logged successful and abandoned, with
   * no usage read (it comes at the end of the body); nothing is held against the key, and nobody
   * is left to answer.
   */
  private UpstreamResult.Failed abandonedWhileChecked(UpstreamCall call, RequestContext ctx, int attempt,
      KeyLease lease, long started, HttpClientResponse response) {
    pool.release(lease, KeyOutcome.NEUTRAL);
    ctx.meter().attemptEnded(call.model(), AttemptOutcome.SUCCESS, attempt);
    attemptLog.record(record(call, ctx, attempt, lease, response.statusCode(), started, null)
        .abandonedWith(TokenUsage.NONE));
    return new UpstreamResult.Failed(499, null, 0, "client closed", false);
  }

  /** Read in place: {@code Buffer.getBytes()} would copy the body first. */
  private static Verdict classified(Buffer body) {
    if (body instanceof BufferInternal internal && internal.getByteBuf().hasArray()) {
      ByteBuf bytes = internal.getByteBuf();
      return OutcomeClassifier.classifyAnswer(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(),
          bytes.readableBytes());
    }
    byte[] copy = body.getBytes();
    return OutcomeClassifier.classifyAnswer(copy, 0, copy.length);
  }

  /**
   * An error answer with any key or token in it masked, before it is classified (the reason is
   * kept with the key's state), logged, or relayed to the client: an upstream (a proxy in
   * BASE_URL, say) may quote the key it was sent. Unchanged, and not copied, when it holds none.
   */
  private Buffer redacted(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8);
    String clean = redactor.redact(text);
    return clean == text ? body : Buffer.buffer(clean);
  }

  private Future<UpstreamResult> afterErrorAnswer(UpstreamCall call, RequestContext ctx, KeyChoice keys,
      AnswerCheck check, int attempt, Set<ApiKey> tried, KeyLease lease, long started, int status, Buffer body) {
    byte[] bytes = body.getBytes();
    Verdict verdict = OutcomeClassifier.classify(status, bytes);
    pool.release(lease, verdict.keyOutcome());
    ctx.meter().attemptEnded(call.model(), AttemptOutcomes.of(status, verdict), attempt);
    log(call, ctx, attempt, lease, status, started, body.toString());
    LOG.debug("request {} attempt {} key {}: {} ({})", ctx.requestId(), attempt, lease.key(), status,
        verdict.reason());
    UpstreamResult.Failed failed = new UpstreamResult.Failed(status, body,
        retryAfterSeconds(status, bytes), verdict.reason(), false);
    return retryOrStop(call, ctx, keys, check, attempt, tried, verdict, failed);
  }

  private Future<UpstreamResult> afterTransportFailure(Throwable cause, UpstreamCall call,
      RequestContext ctx, KeyChoice keys, AnswerCheck check, int attempt, Set<ApiKey> tried, KeyLease lease,
      long started) {
    if (cause instanceof ClientBodyException clientFault) {
      // The client's streamed body broke off or broke a limit: nothing to hold against the key,
      // and nothing another key could do better (the body cannot be sent twice).
      pool.release(lease, KeyOutcome.NEUTRAL);
      ctx.meter().attemptEnded(call.model(), AttemptOutcome.CLIENT_BODY_ERROR, attempt);
      log(call, ctx, attempt, lease, clientFault.status(), started, clientFault.getMessage());
      return Future.succeededFuture(new UpstreamResult.Failed(clientFault.status(), null, 0,
          clientFault.getMessage(), false));
    }
    TokenRefusal cut = ctx.cutBy();
    if (cut != null) {
      // The gateway reset the call itself, its client's token no longer valid: not the key's doing.
      pool.release(lease, KeyOutcome.NEUTRAL);
      ctx.meter().attemptEnded(call.model(), AttemptOutcome.TRANSPORT_ERROR, attempt);
      log(call, ctx, attempt, lease, cut.status(), started, "cut: " + cut.message());
      return Future.succeededFuture(new UpstreamResult.Failed(cut.status(), null, 0, cut.message(), false));
    }
    if (cause instanceof ProxyFailure proxyFault) {
      return afterProxyFailure(proxyFault, call, ctx, keys, check, attempt, tried, lease, started);
    }
    pool.release(lease, OutcomeClassifier.transportFailure(cause.toString()).keyOutcome());
    boolean timeout = cause instanceof TimeoutException
        || cause instanceof java.util.concurrent.TimeoutException
        || String.valueOf(cause.getMessage()).toLowerCase().contains("timeout");
    int status = timeout ? 504 : 502;
    ctx.meter().attemptEnded(call.model(), AttemptOutcome.TRANSPORT_ERROR, attempt);
    log(call, ctx, attempt, lease, status, started, cause.toString());
    LOG.debug("request {} attempt {} key {}: transport failure {}", ctx.requestId(), attempt,
        lease.key(), cause.toString());
    String message = timeout ? "upstream timed out" : "upstream unreachable: " + cause.getMessage();
    UpstreamResult.Failed failed = new UpstreamResult.Failed(status, null, 0, message, false);
    return retryOrStop(call, ctx, keys, check, attempt, tried, OutcomeClassifier.transportFailure(message), failed);
  }

  /**
   * The call never left the gateway's side of PROXIES: the key's turn is given back with no blame.
   * With another proxy up, another attempt goes through it (502 if none is left to try); with none
   * up, 503 naming the proxies (credentials masked) as the cause.
   */
  private Future<UpstreamResult> afterProxyFailure(ProxyFailure fault, UpstreamCall call, RequestContext ctx,
      KeyChoice keys, AnswerCheck check, int attempt, Set<ApiKey> tried, KeyLease lease, long started) {
    Verdict verdict = OutcomeClassifier.proxyFailure(fault.getMessage(), fault.othersUp());
    pool.release(lease, verdict.keyOutcome());
    int status = fault.othersUp() ? 502 : 503;
    ctx.meter().attemptEnded(call.model(), AttemptOutcome.PROXY_ERROR, attempt);
    log(call, ctx, attempt, lease, status, started, fault.getMessage());
    LOG.debug("request {} attempt {} key {}: {}", ctx.requestId(), attempt, lease.key(), fault.getMessage());
    UpstreamResult.Failed failed = new UpstreamResult.Failed(status, null, 0, fault.getMessage(), false);
    return retryOrStop(call, ctx, keys, check, attempt, tried, verdict, failed);
  }

  private Future<UpstreamResult> retryOrStop(UpstreamCall call, RequestContext ctx, KeyChoice keys,
      AnswerCheck check, int attempt, Set<ApiKey> tried, Verdict verdict, UpstreamResult.Failed failed) {
    boolean anotherKeyAllowed = switch (keys) {
      case KeyChoice.AnyKey any -> true;
      case KeyChoice.Pinned pinned -> false;
    };
    if (anotherKeyAllowed && verdict.retryOnAnotherKey() && attempt < maxAttempts.getAsInt()
        && !ctx.clientGone()) {
      return attempt(call, ctx, keys, check, attempt + 1, tried, failed);
    }
    return Future.succeededFuture(failed);
  }

  /**
   * The one key that can reach a resource cannot be used: the client learns which resource and
   * why, never a 403 from sending it with a wrong key. Gone from the pool: the resource is out of
   * reach for good (404); disabled: until the key is restored (503); cooling past the wait: 429
   * with when to retry.
   */
  private UpstreamResult.Failed pinnedRefusal(KeyChoice.Pinned pinned, Acquisition.Refused refused) {
    if (refused.permanent()) {
      boolean gone = !pool.holdsKey(pinned.keyFingerprint());
      return gone
          ? new UpstreamResult.Failed(404, null, 0, pinned.resource() + " was created with a key that is no"
              + " longer in the gateway's pool: it cannot be reached any more.", true)
          : new UpstreamResult.Failed(503, null, 60, pinned.resource() + " can only be reached with the key"
              + " that created it, and " + refused.reason() + "; it is usable again when the key is restored.",
              true);
    }
    long waitMillis = Math.max(0, refused.earliestMillis() - clock.getAsLong());
    long seconds = Math.max(1, (waitMillis + 999) / 1000);
    return new UpstreamResult.Failed(429, null, seconds, pinned.resource() + " can only be reached with the key"
        + " that created it, and " + refused.reason() + "; retry in " + seconds + " s", true);
  }

  /** The pool's own refusal, before any attempt: noted so that a 429 is counted as the gateway's. */
  private static UpstreamResult.Failed refusedByGateway(RequestContext ctx, UpstreamResult.Failed refusal) {
    ctx.meter().refusedByGateway();
    return refusal;
  }

  private UpstreamResult.Failed refusal(Acquisition.Refused refused) {
    if (refused.permanent()) {
      return new UpstreamResult.Failed(503, null, 0, refused.reason(), true);
    }
    long waitMillis = Math.max(0, refused.earliestMillis() - clock.getAsLong());
    long seconds = Math.max(1, (waitMillis + 999) / 1000);
    return new UpstreamResult.Failed(429, null, seconds,
        "The gateway's own key pool limit was reached (not Google's): " + refused.reason()
            + "; retry in " + seconds + " s", true);
  }

  private static long retryAfterSeconds(int status, byte[] body) {
    if (status != 429) {
      return 0;
    }
    GoogleError error = GoogleError.parse(body);
    return error.retryDelay() == null ? 0 : Math.max(1, (error.retryDelay().toMillis() + 999) / 1000);
  }

  private void log(UpstreamCall call, RequestContext ctx, int attempt, KeyLease lease, int status,
      long started, String error) {
    attemptLog.record(record(call, ctx, attempt, lease, status, started, error));
  }

  /** The attempt as logged; its latency is the time to the answer's headers (or to the failure). */
  private AttemptRecord record(UpstreamCall call, RequestContext ctx, int attempt, KeyLease lease, int status,
      long started, String error) {
    return new AttemptRecord(started, ctx.requestId(), call.model(),
        KeyIdentity.of(lease.key()), ctx.client(), attempt, status,
        status >= 200 && status < 300, clock.getAsLong() - started, call.stream(), call.operation(),
        error, error != null && attemptLog.wantsRequestBodies() && call.body() != null
            ? excerpt(call.body(), attemptLog.requestBodyMaxBytes()) : null, TokenUsage.NONE, false);
  }

  /**
   * Logs its attempt at the first call only: a second report must not add a row. The usage goes
   * to the token counters (METRICS_ENABLED) at the same time, so they add up what the log holds.
   */
  private static final class OnceUsageLog implements UpstreamResult.UsageLog {
    private final AttemptLog log;
    private final AttemptRecord record;
    private final RequestMeter meter;
    private final AtomicBoolean done = new AtomicBoolean();

    OnceUsageLog(AttemptLog log, AttemptRecord record, RequestMeter meter) {
      this.log = log;
      this.record = record;
      this.meter = meter;
    }

    @Override
    public void logged(TokenUsage usage) {
      if (done.compareAndSet(false, true)) {
        log.record(record.withUsage(usage));
        counted(usage);
      }
    }

    @Override
    public void abandoned(TokenUsage usage) {
      if (done.compareAndSet(false, true)) {
        log.record(record.abandonedWith(usage));
        counted(usage);
      }
    }

    private void counted(TokenUsage usage) {
      counted(meter, record.model(), usage);
    }

    /** Adds a logged answer's usage to the token counters. */
    static void counted(RequestMeter meter, String model, TokenUsage usage) {
      if (usage != null && usage.known()) {
        meter.tokens(model, usage.prompt(), usage.cached(), usage.output(), usage.thinking());
      }
    }
  }

  /** At most {@code maxBytes} of the body, read as bytes: never the whole body as text. */
  private static String excerpt(Buffer body, int maxBytes) {
    int length = body.length();
    return RequestBodyExcerpt.of(body.getBytes(0, Math.min(length, maxBytes)), length);
  }
}
