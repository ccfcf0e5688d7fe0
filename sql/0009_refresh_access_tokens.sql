-- Each refresh token remembers the access token issued beside it, so that a reused (stolen) refresh token revokes
-- not only its family but every access token the family handed out that has not expired yet (RFC 9700 §4.14).
ALTER TABLE refresh_tokens
    ADD COLUMN access_token_id   text,
    ADD COLUMN access_expires_at timestamptz;
