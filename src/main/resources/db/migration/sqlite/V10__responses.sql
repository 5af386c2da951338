-- Stored responses of the OpenAI Responses API (a table of our own, prefix gb_), kept for
-- GET /v1/responses/{id} and previous_response_id. Times are epoch milliseconds.
-- id: the response id the gateway handed out (resp_...); owner: the client id (gb_client) that
-- may read or delete it; model: the model as the client named it; body: the relay's JSON document
-- (the response and the conversation it continues). A row is invisible from expires_at on and is
-- deleted by the retention job in bounded batches.
CREATE TABLE IF NOT EXISTS gb_response (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  owner VARCHAR(40) NOT NULL,
  model VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_gb_response_expiry ON gb_response (expires_at);
