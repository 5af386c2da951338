-- Admin access (tables of our own, prefix gb_). Times are epoch milliseconds.

-- The generated admin token, in force while AUTH_TOKEN is unset: only its hash ("sha256:<hex>"),
-- never the token itself. One row (name 'admin'); rotation replaces it.
CREATE TABLE IF NOT EXISTS gb_admin_token (
  name VARCHAR(32) NOT NULL PRIMARY KEY,
  token_hash VARCHAR(100) NOT NULL,
  created_at BIGINT NOT NULL
);

-- One row per admin change: what changed (setting names, masked old and new values, as a JSON list),
-- when, from which client address and with which admin token (its fingerprint, never the token).
CREATE TABLE IF NOT EXISTS gb_audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created_at BIGINT NOT NULL,
  action VARCHAR(40) NOT NULL,
  client_address VARCHAR(64),
  admin_fingerprint VARCHAR(32),
  changes MEDIUMTEXT NOT NULL
);
