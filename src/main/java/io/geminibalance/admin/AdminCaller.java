package io.geminibalance.admin;

import io.vertx.ext.web.RoutingContext;

/**
 * Who makes an admin change, as the audit log records it: the client address and the fingerprint
 * of the admin token used (never the token). The admin API's authentication puts it on the routing
 * context under {@link #KEY}.
 *
 * @param adminFingerprint null when no admin token was involved (start-up, the operator's command)
 */
public record AdminCaller(String clientAddress, String adminFingerprint) {
  public static final String KEY = "admin.caller";
  /** {@code --rotate-admin-token}: someone with access to the machine and the database. */
  public static final AdminCaller OPERATOR = new AdminCaller("command-line", null);
  /** The gateway itself, generating the first admin token at start. */
  public static final AdminCaller START_UP = new AdminCaller("start-up", null);

  static AdminCaller of(RoutingContext rc) {
    AdminCaller caller = rc.get(KEY);
    return caller == null ? new AdminCaller("unknown", null) : caller;
  }
}
