-- The tables gemini-balance creates, with its column names, so that an existing gemini-balance
-- database file is used as it is. IF NOT EXISTS: on such a database this changes nothing.
CREATE TABLE IF NOT EXISTS t_settings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  "key" VARCHAR(100) NOT NULL UNIQUE,
  value TEXT,
  description VARCHAR(255),
  created_at DATETIME,
  updated_at DATETIME
);

CREATE TABLE IF NOT EXISTS t_error_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  gemini_key VARCHAR(100),
  model_name VARCHAR(100),
  error_type VARCHAR(50),
  error_log TEXT,
  error_code INTEGER,
  request_msg JSON,
  request_time DATETIME
);

CREATE TABLE IF NOT EXISTS t_request_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_time DATETIME,
  model_name VARCHAR(100),
  api_key VARCHAR(100),
  is_success BOOLEAN NOT NULL,
  status_code INTEGER,
  latency_ms INTEGER
);

CREATE TABLE IF NOT EXISTS t_file_records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(255) NOT NULL UNIQUE,
  display_name VARCHAR(255),
  mime_type VARCHAR(100) NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256_hash VARCHAR(255),
  state VARCHAR(10) NOT NULL,
  create_time DATETIME NOT NULL,
  update_time DATETIME NOT NULL,
  expiration_time DATETIME NOT NULL,
  uri VARCHAR(500) NOT NULL,
  api_key VARCHAR(100) NOT NULL,
  upload_url TEXT,
  user_token VARCHAR(100),
  upload_completed DATETIME
);
