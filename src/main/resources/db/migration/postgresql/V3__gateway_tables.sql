-- Tables of our own (prefix gb_). Times are epoch milliseconds: no time-zone guesswork.

-- One row per upstream key: t_settings.value (TEXT) caps API_KEYS at about 1.5k keys.
CREATE TABLE IF NOT EXISTS gb_api_keys (
  id BIGSERIAL PRIMARY KEY,
  fingerprint VARCHAR(32) NOT NULL UNIQUE,
  api_key VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL
);

-- What the key pool learned about a key, so a restart neither forgets a dead key nor re-provokes 429s.
CREATE TABLE IF NOT EXISTS gb_key_state (
  fingerprint VARCHAR(32) NOT NULL PRIMARY KEY,
  disabled BOOLEAN NOT NULL,
  disabled_reason VARCHAR(500),
  failure_count INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Per key and model: parked (cool-down) until when and why, and today's usage (Pacific day).
CREATE TABLE IF NOT EXISTS gb_key_model_state (
  fingerprint VARCHAR(32) NOT NULL,
  model VARCHAR(100) NOT NULL,
  park_until BIGINT,
  park_reason VARCHAR(500),
  usage_day VARCHAR(10),
  usage_count BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (fingerprint, model)
);
