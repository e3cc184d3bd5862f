import SQLiteCore

/// The schema of a LocalDirectory tenant: an identity platform's data, in its own SQLite file,
/// kept apart from the case database as a real tenant would be.
enum DirectorySchema {
    /// `PRAGMA application_id` of a directory file ("HRd1").
    static let applicationID: Int32 = 0x48526431

    static let migrations: [Migration] = [
        Migration("0001-directory", """
        CREATE TABLE users (
            email         TEXT PRIMARY KEY,
            display_name  TEXT NOT NULL,
            privileged    INTEGER NOT NULL DEFAULT 0,
            suspended     INTEGER NOT NULL DEFAULT 0,
            password_hash TEXT NOT NULL,           -- PBKDF2-HMAC-SHA256, salted
            password_must_change INTEGER NOT NULL DEFAULT 0,
            password_expires_at  TEXT,             -- a temporary password stops working after this
            demo          TEXT                     -- for a demo user, the path it shows
        );
        CREATE TABLE factors (
            id          INTEGER PRIMARY KEY,
            email       TEXT NOT NULL REFERENCES users (email),
            kind        TEXT NOT NULL,
            label       TEXT NOT NULL,
            enrolled_at TEXT NOT NULL
        );
        CREATE TABLE backup_codes (
            id         INTEGER PRIMARY KEY,
            email      TEXT NOT NULL REFERENCES users (email),
            code_hash  TEXT NOT NULL,              -- salted hash only; the code is shown once
            created_at TEXT NOT NULL,
            expires_at TEXT,                       -- admin-generated codes expire
            used_at    TEXT
        );
        CREATE TABLE phone_numbers (
            email    TEXT NOT NULL REFERENCES users (email),
            number   TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE TABLE federated_links (
            email     TEXT NOT NULL REFERENCES users (email),
            provider  TEXT NOT NULL,
            linked_at TEXT NOT NULL
        );
        CREATE TABLE sign_ins (
            email     TEXT NOT NULL,
            at        TEXT NOT NULL,
            address   TEXT NOT NULL,
            succeeded INTEGER NOT NULL,
            method    TEXT NOT NULL
        );
        CREATE INDEX sign_ins_by_user ON sign_ins (email, at);
        -- The platform's own audit, as a real identity platform keeps one.
        CREATE TABLE directory_events (
            seq     INTEGER PRIMARY KEY,
            at      TEXT NOT NULL,
            email   TEXT NOT NULL,
            type    TEXT NOT NULL,              -- mfa.factor_enrolled, mfa.factor_admin_reset, …
            actor   TEXT NOT NULL,
            details TEXT NOT NULL               -- JSON, never a secret
        );
        -- Admin actions by idempotency key: a retried request reports the first outcome.
        CREATE TABLE actions (
            idempotency_key TEXT PRIMARY KEY,
            action          TEXT NOT NULL,
            email           TEXT NOT NULL,
            actor           TEXT NOT NULL,
            at              TEXT NOT NULL,
            outcome         TEXT NOT NULL,      -- completed | failed
            details         TEXT NOT NULL       -- JSON, never a secret
        );
        """),
        // Added columns only: a directory file from before keeps every row, with no manager known
        // and no suspension attributed to an action.
        Migration("0002-manager-and-suspension", """
        ALTER TABLE users ADD COLUMN manager TEXT;       -- the user's manager's email, if known
        ALTER TABLE users ADD COLUMN suspended_by TEXT;  -- idempotency key of the action that suspended the account
        """),
        // Additive: where each factor was enrolled from, the addresses account notices go to
        // besides the primary email, and the notices the directory sent (its outbox).
        Migration("0003-enrolment-origin-and-notices", """
        ALTER TABLE factors ADD COLUMN enrolled_from TEXT;   -- address of the sign-in that enrolled it
        CREATE TABLE notification_addresses (
            email   TEXT NOT NULL REFERENCES users (email),
            address TEXT NOT NULL,
            PRIMARY KEY (email, address)
        );
        CREATE TABLE outbox (
            seq             INTEGER PRIMARY KEY,
            email           TEXT NOT NULL,          -- whose account the notice is about
            recipient       TEXT NOT NULL,
            subject         TEXT NOT NULL,
            body            TEXT NOT NULL,          -- never a secret: the follow-up message
            sent_at         TEXT NOT NULL,
            case_id         TEXT NOT NULL,
            idempotency_key TEXT NOT NULL
        );
        CREATE INDEX outbox_by_user ON outbox (email, seq);
        """),
    ]
}
