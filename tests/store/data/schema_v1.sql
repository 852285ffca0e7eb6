-- The store's tables.  Money: integer US cents (amount_cents) beside the amount as filed
-- (orig_amount in the file's unit, orig_scale the unit's multiplier, currency).
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS batches (
    batch_id     INTEGER PRIMARY KEY,
    imported_at  TIMESTAMPTZ NOT NULL,
    replace_mode BOOLEAN NOT NULL,
    counts       JSON NOT NULL           -- {"contracts": {"new": n, ...}, ...}
);

CREATE TABLE IF NOT EXISTS batch_files (
    batch_id INTEGER NOT NULL,
    file     VARCHAR NOT NULL,           -- the name as given
    sheet    VARCHAR,
    kind     VARCHAR NOT NULL,
    sha256   VARCHAR NOT NULL,
    size     BIGINT NOT NULL,
    rows     BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS enterprises (
    enterprise_id VARCHAR NOT NULL,      -- 统一社会信用代码 (GB 32100-2015)
    name          VARCHAR NOT NULL,
    nature        VARCHAR NOT NULL,      -- domestic | hmt | foreign
    region        VARCHAR,
    batch_id      INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS contracts (
    contract_id    VARCHAR NOT NULL,
    enterprise_id  VARCHAR NOT NULL,
    signed_on      DATE NOT NULL,
    client_country VARCHAR NOT NULL,     -- ISO 3166-1 alpha-2; CN = onshore
    category       VARCHAR NOT NULL,     -- ITO | BPO | KPO
    amount_cents   BIGINT NOT NULL,      -- US cents
    orig_amount    DECIMAL(18, 6) NOT NULL,
    orig_scale     BIGINT NOT NULL,
    currency       VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,     -- approved | pending | returned
    batch_id       INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS executions (
    execution_id VARCHAR NOT NULL,
    contract_id  VARCHAR NOT NULL,
    executed_on  DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    orig_amount  DECIMAL(18, 6) NOT NULL,
    orig_scale   BIGINT NOT NULL,
    currency     VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,
    batch_id     INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS rates (
    currency     VARCHAR NOT NULL,
    month        DATE NOT NULL,          -- first day of the month
    usd_per_unit DECIMAL(20, 10) NOT NULL,
    batch_id     INTEGER NOT NULL
);
