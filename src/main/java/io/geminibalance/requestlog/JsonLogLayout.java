package io.geminibalance.requestlog;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.geminibalance.logging.RequestIdLocal;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * LOG_FORMAT=json: one JSON object per line, {@code time} (ISO-8601, UTC), {@code level},
 * {@code logger}, {@code thread}, {@code message}, and when present {@code request_id} and
 * {@code exception} (the stack trace as text). The message and the stack trace go through
 * {@link SecretRedactor#process()} exactly as the text format's {@code %redactedMsg} and
 * {@code %redactedEx} do. Logback's own JsonEncoder writes every field of the event in a fixed
 * shape and cannot redact, hence this small layout.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private final ThrowableProxyConverter throwables = new RedactingThrowableConverter();

  @Override
  public void start() {
    throwables.setContext(getContext());
    throwables.start();
    super.start();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("message", SecretRedactor.process().redact(event.getFormattedMessage()));
      String requestId = RequestIdLocal.current();
      if (requestId != null) {
        json.writeStringField("request_id", requestId);
      }
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        json.writeStringField("exception", throwables.convert(event));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.append('\n').toString();
  }
}
