-- The tables gemini-balance uses, with its column names, so that the same data model works on
-- PostgreSQL (which the original did not support). IF NOT EXISTS keeps this safe to re-run.
CREATE TABLE IF NOT EXISTS t_settings (
  id SERIAL PRIMARY KEY,
  "key" VARCHAR(100) NOT NULL UNIQUE,
  value TEXT,
  description VARCHAR(255),
  created_at TIMESTAMP,
  updated_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS t_error_logs (
  id SERIAL PRIMARY KEY,
  gemini_key VARCHAR(100),
  model_name VARCHAR(100),
  error_type VARCHAR(50),
  error_log TEXT,
  error_code INTEGER,
  request_msg TEXT,
  request_time TIMESTAMP
);

CREATE TABLE IF NOT EXISTS t_request_log (
  id SERIAL PRIMARY KEY,
  request_time TIMESTAMP,
  model_name VARCHAR(100),
  api_key VARCHAR(100),
  is_success BOOLEAN NOT NULL,
  status_code INTEGER,
  latency_ms INTEGER
);

CREATE TABLE IF NOT EXISTS t_file_records (
  id SERIAL PRIMARY KEY,
  name VARCHAR(255) NOT NULL UNIQUE,
  display_name VARCHAR(255),
  mime_type VARCHAR(100) NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256_hash VARCHAR(255),
  state VARCHAR(10) NOT NULL CHECK (state IN ('PROCESSING', 'ACTIVE', 'FAILED')),
  create_time TIMESTAMP NOT NULL,
  update_time TIMESTAMP NOT NULL,
  expiration_time TIMESTAMP NOT NULL,
  uri VARCHAR(500) NOT NULL,
  api_key VARCHAR(100) NOT NULL,
  upload_url TEXT,
  user_token VARCHAR(100),
  upload_completed TIMESTAMP
);
