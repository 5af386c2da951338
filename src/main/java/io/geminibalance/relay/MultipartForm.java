package io.geminibalance.relay;

import io.geminibalance.protocol.gemini.PathSegments;
import io.geminibalance.protocol.openai.TranscriptionTranslator.AudioFile;
import io.geminibalance.protocol.openai.TranscriptionTranslator.TranscriptionForm;
import io.geminibalance.protocol.openai.TranslationException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code multipart/form-data} body, already read whole (and capped by MAX_REQUEST_BODY_MB, after
 * authentication, like every body), split into text fields and the uploaded {@code file} by
 * Netty's form decoder, held in memory only (never spilled to disk).
 */
final class MultipartForm {
  /** OpenAI's audio forms have a handful of fields; a body with hundreds is not one of them. */
  static final int MAX_FIELDS = 64;
  /** The part that carries the audio. */
  static final String FILE = "file";

  private MultipartForm() {}

  /**
   * @throws TranslationException for a body that is not multipart/form-data or not a well-formed one
   */
  static TranscriptionForm parse(String contentType, Buffer body) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new TranslationException(null, "Content-Type must be multipart/form-data (a form with the audio as"
          + " 'file'), not " + (contentType == null ? "none" : "'" + shortened(contentType) + "'"),
          "invalid_content_type");
    }
    ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER
        // The decoder retains and releases what it reads: the request's own buffer must outlive it.
        : Unpooled.unreleasableBuffer(((BufferInternal) body).getByteBuf());
    HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/",
        content, headers, EmptyHttpHeaders.INSTANCE);
    if (!HttpPostRequestDecoder.isMultipart(request)) {
      // Without a boundary Netty would read the body as a URL-encoded form instead.
      throw new TranslationException(null, "The multipart/form-data Content-Type has no boundary parameter",
          "invalid_multipart");
    }
    HttpPostRequestDecoder decoder;
    try {
      decoder = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), request, StandardCharsets.UTF_8,
          MAX_FIELDS, -1);
    } catch (DecoderException | IllegalArgumentException e) {
      throw malformed(e);
    }
    try {
      Map<String, String> fields = new HashMap<>();
      AudioFile file = null;
      for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
        boolean isFile = data.getName().equals(FILE) && file == null;
        switch (data.getHttpDataType()) {
          // The OpenAI SDKs send bytes and streams as a part without a filename, which Netty reads
          // as a plain attribute: the file is whatever part is named "file", by its raw bytes.
          case Attribute -> {
            if (isFile) {
              file = new AudioFile("", "", ((Attribute) data).get());
            } else {
              fields.putIfAbsent(data.getName(), ((Attribute) data).getValue());
            }
          }
          case FileUpload -> {
            FileUpload upload = (FileUpload) data;
            if (isFile) {
              file = new AudioFile(upload.getFilename(), upload.getContentType(), upload.get());
            } else {
              fields.putIfAbsent(data.getName(), upload.getString(StandardCharsets.UTF_8));
            }
          }
          default -> { }
        }
      }
      return new TranscriptionForm(fields, file);
    } catch (DecoderException | IllegalArgumentException | IOException e) {
      throw malformed(e);
    } finally {
      decoder.destroy();
    }
  }

  private static TranslationException malformed(Exception e) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : shortened(e.getMessage());
    return new TranslationException(null, "The body is not a well-formed multipart/form-data form: " + reason,
        "invalid_multipart");
  }

  private static String shortened(String text) {
    return PathSegments.excerpt(text, 0, text.length());
  }
}
