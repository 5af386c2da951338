package io.geminibalance.admin;

/** A bad admin request: the parameter or field at fault and why (answered 400 naming it). */
final class BadRequest extends RuntimeException {
  private final String field;

  BadRequest(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  String field() {
    return field;
  }
}
