-- Stored responses of the OpenAI Responses API (a table of our own, prefix gb_), kept for
-- GET /v1/responses/{id} and previous_response_id. Times are epoch milliseconds.
-- id: the response id the gateway handed out (resp_...); owner: the client id (gb_client) that
-- may read or delete it; model: the model as the client named it; body: the relay's JSON document
-- (the response and the conversation it continues; LONGTEXT: a conversation with inline media
-- outgrows MEDIUMTEXT's 16 MB). A row is invisible from expires_at on and is deleted by the
-- retention job in bounded batches. Ids and owners are compared byte for byte (ascii_bin): the
-- default collations ignore case; model and body are utf8mb4 whatever the database's default, as
-- model output holds any character. Index inline: MySQL has no CREATE INDEX IF NOT EXISTS, and this
-- statement must change nothing when it runs again.
CREATE TABLE IF NOT EXISTS gb_response (
  id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  owner VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  model VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  body LONGTEXT CHARACTER SET utf8mb4 NOT NULL,
  KEY ix_gb_response_expiry (expires_at)
);
