-- Resumable uploads in progress (a table of our own, prefix gb_). Times are epoch milliseconds.
-- Shared by every gateway on this database: an upload's chunks may reach any instance, and each
-- must go to Google with the key that started the upload. Expired rows are deleted.
-- id_hash: SHA-256 (hex) of the gateway's upload id (the client holds the id, the row only its hash).
-- upload_target: Google's upload URL as a path and query below BASE_URL's origin (no key in it).
-- key_fingerprint/key_last4: the pool key that started the upload; owner: the client id (gb_client).
-- declared_bytes: the size the client declared at the start, -1 when none.
-- kind: FILE or FILE_SEARCH_STORE; store_name: the store for the latter.
CREATE TABLE IF NOT EXISTS gb_upload_session (
  id_hash VARCHAR(64) NOT NULL PRIMARY KEY,
  upload_target VARCHAR(2048) NOT NULL,
  key_fingerprint VARCHAR(32) NOT NULL,
  key_last4 VARCHAR(8) NOT NULL,
  owner VARCHAR(40) NOT NULL,
  declared_bytes BIGINT NOT NULL,
  kind VARCHAR(32) NOT NULL,
  store_name VARCHAR(255),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS gb_upload_session_expires ON gb_upload_session (expires_at);
CREATE INDEX IF NOT EXISTS gb_upload_session_owner ON gb_upload_session (owner, expires_at);
