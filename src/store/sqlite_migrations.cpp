// The schema's history: forward migrations, applied in order when the writer opens the file.
#include "creditgate/store/sqlite_store.hpp"

#include <iterator>
#include <string>

#include "sqlite_statement.hpp"

namespace creditgate {

namespace {

// Forward migrations, applied in order; index i brings the schema to version i + 1.
// Balances are not stored: an account's balance is the balance_after of its newest entry,
// and reserved is the sum of its open holds, so both are derivable and checkable.
constexpr const char* kMigrations[] = {
    // v1: accounts, keys, holds, entries, idempotency.
    R"sql(
CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE api_keys (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  name          TEXT NOT NULL,
  hash          TEXT NOT NULL UNIQUE,
  prefix        TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER
);
CREATE INDEX api_keys_account ON api_keys(account_id);
CREATE TABLE holds (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  key_id        INTEGER NOT NULL,
  request_id    TEXT NOT NULL,
  model         TEXT NOT NULL,
  endpoint      TEXT NOT NULL,
  amount_nanos  INTEGER NOT NULL CHECK (amount_nanos >= 0),
  state         TEXT NOT NULL CHECK (state IN ('open','settled','voided','abandoned')),
  created_at_ms INTEGER NOT NULL,
  closed_at_ms  INTEGER
);
CREATE INDEX holds_open ON holds(state) WHERE state = 'open';
CREATE TABLE entries (
  id                  INTEGER PRIMARY KEY,
  account_id          INTEGER NOT NULL REFERENCES accounts(id),
  type                TEXT NOT NULL,
  hold_id             INTEGER UNIQUE REFERENCES holds(id),
  key_id              INTEGER,
  request_id          TEXT NOT NULL DEFAULT '',
  model               TEXT NOT NULL DEFAULT '',
  endpoint            TEXT NOT NULL DEFAULT '',
  prompt_tokens       INTEGER NOT NULL DEFAULT 0,
  cached_tokens       INTEGER NOT NULL DEFAULT 0,
  completion_tokens   INTEGER NOT NULL DEFAULT 0,
  provider_cost_nanos INTEGER NOT NULL DEFAULT 0,
  markup_nanos        INTEGER NOT NULL DEFAULT 0,
  amount_nanos        INTEGER NOT NULL,
  balance_after_nanos INTEGER NOT NULL,
  flags               TEXT NOT NULL DEFAULT '',
  reference           TEXT NOT NULL DEFAULT '',
  raw_usage           TEXT NOT NULL DEFAULT '',
  price_version       TEXT NOT NULL DEFAULT '',
  created_at_ms       INTEGER NOT NULL
);
CREATE INDEX entries_account ON entries(account_id, id);
CREATE TABLE idempotency (
  scope         TEXT NOT NULL,
  key           TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  entry_id      INTEGER NOT NULL REFERENCES entries(id),
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
)sql",
    // v2: credit buckets (grants) and what consumed them (allocations); hold deadlines and the
    // quote's split; the admin who made an entry. Version-1 top-ups become buckets, and their
    // charges are allocated to them oldest first (the only burn order version 1 knew): each
    // debit takes the overlap of its cumulative-debit interval with each bucket's
    // cumulative-credit interval, so a debt left by an overrun is paid by the next top-up.
    R"sql(
ALTER TABLE holds ADD COLUMN quote_provider_nanos INTEGER NOT NULL DEFAULT 0;
ALTER TABLE holds ADD COLUMN quote_markup_nanos INTEGER NOT NULL DEFAULT 0;
ALTER TABLE holds ADD COLUMN deadline_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE holds ADD COLUMN price_version TEXT NOT NULL DEFAULT '';
UPDATE holds SET quote_provider_nanos = amount_nanos;
ALTER TABLE entries ADD COLUMN actor TEXT NOT NULL DEFAULT '';
-- Reports by time. (An (account_id, created_at_ms) index measured 3x the writer's CPU per
-- hold+settle in bench/ledger.sh; a statement scans entries_account instead.)
CREATE INDEX entries_time ON entries(created_at_ms);
CREATE TABLE grants (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  entry_id      INTEGER NOT NULL UNIQUE REFERENCES entries(id),
  kind          TEXT NOT NULL CHECK (kind IN ('topup','grant','adjustment')),
  amount_nanos  INTEGER NOT NULL CHECK (amount_nanos > 0),
  priority      INTEGER NOT NULL,
  expires_at_ms INTEGER,
  reference     TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX grants_account ON grants(account_id);
CREATE TABLE allocations (
  entry_id     INTEGER NOT NULL REFERENCES entries(id),
  grant_id     INTEGER NOT NULL REFERENCES grants(id),
  amount_nanos INTEGER NOT NULL CHECK (amount_nanos > 0),
  PRIMARY KEY (entry_id, grant_id)
);
CREATE INDEX allocations_grant ON allocations(grant_id);
INSERT INTO grants (account_id, entry_id, kind, amount_nanos, priority, reference, created_at_ms)
  SELECT account_id, id, 'topup', amount_nanos, 0, reference, created_at_ms
  FROM entries WHERE type = 'topup' ORDER BY id;
WITH c AS (SELECT id, account_id, amount_nanos AS amount,
                  SUM(amount_nanos) OVER (PARTITION BY account_id ORDER BY id) AS hi
           FROM grants),
     d AS (SELECT id, account_id, -amount_nanos AS amount,
                  SUM(-amount_nanos) OVER (PARTITION BY account_id ORDER BY id) AS hi
           FROM entries WHERE amount_nanos < 0)
INSERT INTO allocations (entry_id, grant_id, amount_nanos)
  SELECT d.id, c.id, MIN(c.hi, d.hi) - MAX(c.hi - c.amount, d.hi - d.amount)
  FROM c JOIN d ON c.account_id = d.account_id
  WHERE MIN(c.hi, d.hi) > MAX(c.hi - c.amount, d.hi - d.amount);
)sql",
    // v3: the token classes priced apart (cache writes, reasoning, images), so an entry shows
    // what each class of its charge was; and a lookup of a request's charge by its id
    // (GET /v1/requests/{id}). The index is partial: credits carry no request id.
    R"sql(
ALTER TABLE entries ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN images INTEGER NOT NULL DEFAULT 0;
CREATE INDEX entries_request ON entries(request_id) WHERE request_id <> '';
)sql",
    // v4: keys users control: a key's scope (JSON, auth/key_scope.hpp) and the key that minted
    // it; an audit log of key and secret changes; users' own provider keys, encrypted. A key's
    // spend is summed from its charges once at start (one scan, no index: an index on
    // entries would cost every charge a b-tree insert on the writer).
    R"sql(
ALTER TABLE api_keys ADD COLUMN parent_id INTEGER REFERENCES api_keys(id);
ALTER TABLE api_keys ADD COLUMN scope_json TEXT NOT NULL DEFAULT '{}';
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at_ms       INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  account_id  INTEGER,
  target      TEXT NOT NULL,
  detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_account ON audit_log(account_id, id);
CREATE TABLE provider_keys (
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  provider       TEXT NOT NULL,
  master_key_id  TEXT NOT NULL,
  nonce          TEXT NOT NULL,
  ciphertext     TEXT NOT NULL,
  last4          TEXT NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (account_id, provider)
);
)sql",
    // v5: the consent flow (OAuth 2.0 clients and their authorization codes) and the user's
    // pages (one-time sign-in links, browser sessions). Secrets are stored as SHA-256 only.
    R"sql(
CREATE TABLE oauth_clients (
  client_id           TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  redirect_uris_json  TEXT NOT NULL,
  logo                TEXT NOT NULL DEFAULT '',
  created_at_ms       INTEGER NOT NULL
);
CREATE TABLE oauth_codes (
  code_hash       TEXT PRIMARY KEY,
  client_id       TEXT NOT NULL REFERENCES oauth_clients(client_id),
  redirect_uri    TEXT NOT NULL,
  code_challenge  TEXT NOT NULL,
  account_id      INTEGER NOT NULL REFERENCES accounts(id),
  parent_key_id   INTEGER REFERENCES api_keys(id),
  scope_json      TEXT NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  expires_at_ms   INTEGER NOT NULL,
  used_at_ms      INTEGER,
  key_id          INTEGER REFERENCES api_keys(id),
  replayed_at_ms  INTEGER
);
CREATE TABLE sign_in_links (
  token_hash     TEXT PRIMARY KEY,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  created_at_ms  INTEGER NOT NULL,
  expires_at_ms  INTEGER NOT NULL,
  used_at_ms     INTEGER
);
CREATE TABLE web_sessions (
  id_hash        TEXT PRIMARY KEY,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  key_id         INTEGER REFERENCES api_keys(id),
  created_at_ms  INTEGER NOT NULL,
  expires_at_ms  INTEGER NOT NULL,
  ended_at_ms    INTEGER
);
)sql",
};
static_assert(std::size(kMigrations) == SqliteStore::kSchemaVersion);

}  // namespace

void SqliteStore::migrate() {
    exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const int version = schema_version();
    if (version > kSchemaVersion) {
        throw StoreError("database schema version " + std::to_string(version) +
                         " is newer than this binary supports (" + std::to_string(kSchemaVersion) +
                         "): upgrade creditgate");
    }
    for (int next = version; next < kSchemaVersion; ++next) {
        exec("BEGIN IMMEDIATE");
        try {
            exec(kMigrations[next]);
            prepare("INSERT INTO schema_version (version) VALUES (?)").bind(1, next + 1).run();
            exec("COMMIT");
        } catch (...) {
            exec("ROLLBACK");
            throw;
        }
    }
}

}  // namespace creditgate
