-- Admin web UI sessions (a table of our own, prefix gb_). Times are epoch milliseconds.
-- Shared by every gateway on this database, so a browser stays logged in behind a load balancer.
-- A handful of rows (one per login, expired ones deleted), so no index beyond the key.
-- id_hash: SHA-256 (hex) of the session id in the browser's cookie; the id itself is never stored.
-- csrf_token: what state-changing calls of this session must send in X-CSRF-Token.
-- admin_fingerprint: the fingerprint of the admin token it logged in with (for the audit log).
-- credential_id: which admin credential was in force at login; once AUTH_TOKEN changes or the
-- generated token is rotated, it no longer matches and the session ends.
CREATE TABLE IF NOT EXISTS gb_admin_session (
  id_hash VARCHAR(64) NOT NULL PRIMARY KEY,
  csrf_token VARCHAR(64) NOT NULL,
  admin_fingerprint VARCHAR(32) NOT NULL,
  credential_id VARCHAR(32) NOT NULL,
  client_address VARCHAR(64),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
