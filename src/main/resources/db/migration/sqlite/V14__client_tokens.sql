-- Managed client tokens (/api/tokens; a table of our own, prefix gb_). Times are epoch milliseconds.
-- The value is never stored: value_hash is its HMAC-SHA256 (hex) with the installation's secret,
-- looked up once per request through the in-memory registry; last4 is shown in listings.
-- models, protocols and cidrs are JSON arrays of strings (empty: no restriction); a null limit or
-- expires_at means none. A revoked row stays (revoked_at set) so that its usage keeps its name.
CREATE TABLE IF NOT EXISTS gb_client_token (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  value_hash VARCHAR(64) NOT NULL UNIQUE,
  last4 VARCHAR(8) NOT NULL,
  models TEXT NOT NULL,
  protocols TEXT NOT NULL,
  rpm BIGINT,
  rpd BIGINT,
  tpm BIGINT,
  tpd BIGINT,
  max_concurrent INTEGER,
  expires_at BIGINT,
  cidrs TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  revoked_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
