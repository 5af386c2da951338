package io.geminibalance.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.InlineImages;
import io.geminibalance.relay.imagehost.ImageHosting;
import io.geminibalance.streaming.EventHold;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The images of a streamed {@code -image} chat answer, put on the image host: the stream
 * transformer notes each event whose chunk carries an image (a markdown data URL in a delta), and
 * the relay holds that event ({@link EventHold}) until its uploads are over, then sends it with the
 * hosted URLs, or with the data URLs still where an upload failed. Only streams with a host have
 * one; events without images are looked up in an empty map and go on at once. Used on the stream's
 * event loop only.
 */
final class StreamedImages implements EventHold {
  private final ImageHosting hosting;
  private final Promise<Void> abandoned = Promise.promise();
  /** The chunks of events with images, by the very buffer the transformer wrote them to. */
  private final Map<Buffer, ObjectNode> noted = new IdentityHashMap<>();

  StreamedImages(ImageHosting hosting) {
    this.hosting = hosting;
  }

  /** The transformer wrote {@code chunk} as {@code event}: remembered when it may carry an image. */
  void note(ObjectNode chunk, Buffer event) {
    if (!abandoned.future().isComplete() && InlineImages.mayHaveImage(chunk)) {
      noted.put(event, chunk);
    }
  }

  @Override
  public Future<Buffer> hold(Buffer event) {
    if (noted.isEmpty()) {
      return null;
    }
    ObjectNode chunk = noted.remove(event);
    List<InlineImages.Found> images = chunk == null ? List.of() : InlineImages.findInChunk(chunk);
    if (images.isEmpty()) {
      return null;
    }
    return upload(hosting, images, abandoned.future()).map(hosted -> {
      InlineImages.replaceInChunk(chunk, hosted);
      return OpenAiStreamTransformer.event(chunk);
    });
  }

  @Override
  public void cancel() {
    noted.clear();
    abandoned.tryComplete();
  }

  /**
   * Uploads {@code images}; completes (never fails) with the hosted URL of each one uploaded, by
   * its data URL. Whole answers and streams alike.
   */
  static Future<Map<String, String>> upload(ImageHosting hosting, List<InlineImages.Found> images,
      Future<Void> abandoned) {
    return hosting.uploadAll(images.stream().map(i -> new ImageHosting.Image(i.mimeType(), i.base64())).toList(),
        abandoned).map(urls -> {
          Map<String, String> hosted = new HashMap<>();
          urls.forEach((index, url) -> hosted.put(images.get(index).dataUrl(), url));
          return hosted;
        });
  }
}
