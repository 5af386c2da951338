package io.geminibalance.relay.imagehost;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Where generated images are put for answers that link to them (UPLOAD_PROVIDER): the
 * {@code url} answers of {@code /v1/images/generations} and the images of {@code -image} chat
 * answers. An upload that fails (after one retry) fails the future; the caller then answers with
 * the image as a data URL, so no image is lost.
 */
public interface ImageHost {

  /** gemini-balance's name of the provider ({@code smms}, {@code picgo}, ...), for logs. */
  String provider();

  /**
   * Uploads one image.
   *
   * @param name the file name to store it under ({@link ImageFileNames})
   * @return the image's public URL
   */
  default Future<String> upload(byte[] bytes, String mimeType, String name) {
    return upload(bytes, mimeType, name, Promise.<Void>promise().future());
  }

  /**
   * As {@link #upload(byte[], String, String)}, given up when {@code abandoned} completes (the
   * client has left): the attempt in progress is reset, none is retried, nothing is logged.
   */
  Future<String> upload(byte[] bytes, String mimeType, String name, Future<Void> abandoned);
}
