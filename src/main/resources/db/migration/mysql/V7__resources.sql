-- Stateful Gemini resources created through the gateway, and the clients that own them (tables of
-- our own, prefix gb_). Times are epoch milliseconds. No key and no token is stored here: keys by
-- their fingerprint and last 4 characters, clients by the id gb_client gives their token's fingerprint.
-- Files are kept in gemini-balance's t_file_records instead (its gb_ columns: V8).

-- One row per client token (by its fingerprint): the stable id resources are owned by.
CREATE TABLE IF NOT EXISTS gb_client (
  id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  token_fingerprint VARCHAR(64) NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);

-- Every kind but files: name is Google's resource name; expires_at 0 = Google gave no expiry;
-- metadata is Google's JSON for the resource as last seen. Names and client ids are compared
-- byte for byte (ascii_bin): the default collations ignore case, and Google's ids and ours are
-- case-sensitive. Indexes inline: MySQL has no
-- CREATE INDEX IF NOT EXISTS, and this statement must change nothing when it runs again.
CREATE TABLE IF NOT EXISTS gb_resource (
  name VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  pool VARCHAR(16) NOT NULL,
  key_fingerprint VARCHAR(32) NOT NULL,
  key_last4 VARCHAR(8) NOT NULL,
  owner VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  state VARCHAR(64) NULL,
  metadata MEDIUMTEXT NULL,
  KEY ix_gb_resource_kind_owner_time (kind, owner, created_at),
  KEY ix_gb_resource_expiry (expires_at)
);
