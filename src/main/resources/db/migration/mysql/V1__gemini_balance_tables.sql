-- The tables gemini-balance creates, with its column names and types, so that an existing
-- gemini-balance database is used as it is. IF NOT EXISTS: on such a database this changes nothing.
CREATE TABLE IF NOT EXISTS t_settings (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `key` VARCHAR(100) NOT NULL,
  value TEXT NULL,
  description VARCHAR(255) NULL,
  created_at DATETIME NULL,
  updated_at DATETIME NULL,
  UNIQUE KEY uq_t_settings_key (`key`)
);

CREATE TABLE IF NOT EXISTS t_error_logs (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  gemini_key VARCHAR(100) NULL,
  model_name VARCHAR(100) NULL,
  error_type VARCHAR(50) NULL,
  error_log TEXT NULL,
  error_code INT NULL,
  request_msg JSON NULL,
  request_time DATETIME NULL
);

CREATE TABLE IF NOT EXISTS t_request_log (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  request_time DATETIME NULL,
  model_name VARCHAR(100) NULL,
  api_key VARCHAR(100) NULL,
  is_success TINYINT(1) NOT NULL,
  status_code INT NULL,
  latency_ms INT NULL
);

CREATE TABLE IF NOT EXISTS t_file_records (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  display_name VARCHAR(255) NULL,
  mime_type VARCHAR(100) NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256_hash VARCHAR(255) NULL,
  state ENUM('PROCESSING', 'ACTIVE', 'FAILED') NOT NULL,
  create_time DATETIME NOT NULL,
  update_time DATETIME NOT NULL,
  expiration_time DATETIME NOT NULL,
  uri VARCHAR(500) NOT NULL,
  api_key VARCHAR(100) NOT NULL,
  upload_url TEXT NULL,
  user_token VARCHAR(100) NULL,
  upload_completed DATETIME NULL,
  UNIQUE KEY uq_t_file_records_name (name)
);
