-- Managed client tokens (/api/tokens; a table of our own, prefix gb_). Times are epoch milliseconds.
-- The value is never stored: value_hash is its HMAC-SHA256 (hex) with the installation's secret,
-- looked up once per request through the in-memory registry; last4 is shown in listings.
-- models, protocols and cidrs are JSON arrays of strings (empty: no restriction); a null limit or
-- expires_at means none. A revoked row stays (revoked_at set) so that its usage keeps its name.
-- Ids and hashes are compared byte for byte (ascii_bin): the default collations ignore case; names
-- and the JSON lists are utf8mb4 whatever the database's default.
CREATE TABLE IF NOT EXISTS gb_client_token (
  id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  name VARCHAR(100) CHARACTER SET utf8mb4 NOT NULL,
  value_hash VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL UNIQUE,
  last4 VARCHAR(8) CHARACTER SET utf8mb4 NOT NULL,
  models TEXT CHARACTER SET utf8mb4 NOT NULL,
  protocols TEXT CHARACTER SET utf8mb4 NOT NULL,
  rpm BIGINT NULL,
  rpd BIGINT NULL,
  tpm BIGINT NULL,
  tpd BIGINT NULL,
  max_concurrent INTEGER NULL,
  expires_at BIGINT NULL,
  cidrs TEXT CHARACTER SET utf8mb4 NOT NULL,
  enabled TINYINT(1) NOT NULL,
  revoked_at BIGINT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
