import SQLiteCore

/// The Handrail database schema, as the ordered list of its migrations.
public enum Migrations {
    /// `PRAGMA application_id` of a Handrail database ("HRl1"), so a file that is some other
    /// SQLite database is recognised and refused rather than written into
    /// (https://sqlite.org/pragma.html#pragma_application_id).
    public static let applicationID: Int32 = 0x48526C31

    public static let all: [Migration] = [
        Migration("0001-event-log", """
        -- The event log is the case history and the audit log: one table, one hash chain.
        CREATE TABLE events (
            seq       INTEGER PRIMARY KEY,          -- global, gapless, assigned by the writer
            time      TEXT    NOT NULL,             -- UTC, ISO 8601 with milliseconds
            actor     TEXT    NOT NULL,             -- operator login
            case_id   TEXT    NOT NULL,
            case_seq  INTEGER NOT NULL,             -- 1, 2, 3… within the case
            subject   TEXT    NOT NULL,             -- the user the case is about
            type      TEXT    NOT NULL,
            reason    TEXT,
            payload   TEXT    NOT NULL,             -- canonical JSON
            prev_hash BLOB    NOT NULL,
            hash      BLOB    NOT NULL,
            UNIQUE (case_id, case_seq)
        );
        CREATE INDEX events_by_type_time ON events (type, time);
        CREATE INDEX events_by_time ON events (time);
        CREATE INDEX events_by_subject ON events (subject, seq);
        CREATE INDEX events_by_actor ON events (actor, seq);

        -- Append-only: https://sqlite.org/lang_createtrigger.html#raise
        CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events cannot be changed'); END;
        CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events cannot be deleted'); END;

        -- The chain's head, advanced with every insert: a truncated log or a replaced last event
        -- no longer matches it.
        CREATE TABLE chain_head (
            id   INTEGER PRIMARY KEY CHECK (id = 1),
            seq  INTEGER NOT NULL,
            hash BLOB    NOT NULL
        );
        INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, zeroblob(32));
        CREATE TRIGGER events_advance_chain_head AFTER INSERT ON events
        BEGIN UPDATE chain_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END;
        CREATE TRIGGER chain_head_moves_forward BEFORE UPDATE ON chain_head
        WHEN NEW.seq <= OLD.seq OR NEW.seq <> (SELECT max(seq) FROM events)
        BEGIN SELECT RAISE(ABORT, 'the chain head only follows appended events'); END;
        CREATE TRIGGER chain_head_is_kept BEFORE DELETE ON chain_head
        BEGIN SELECT RAISE(ABORT, 'the chain head cannot be deleted'); END;

        -- Projection of each case's events, updated in the same transaction as they are appended.
        CREATE TABLE cases (
            id               TEXT PRIMARY KEY,
            runbook          TEXT    NOT NULL,
            runbook_version  INTEGER NOT NULL,
            subject          TEXT    NOT NULL,
            status           TEXT    NOT NULL,
            step             TEXT    NOT NULL,
            outcome          TEXT,
            opened_by        TEXT    NOT NULL,
            opened_at        TEXT    NOT NULL,
            updated_at       TEXT    NOT NULL,
            overdue_at       TEXT,
            last_case_seq    INTEGER NOT NULL,
            linked_from      TEXT,
            holder           TEXT,
            lease_expires_at TEXT
        );
        CREATE INDEX cases_by_status ON cases (status, updated_at);
        CREATE INDEX cases_by_subject ON cases (subject);
        CREATE INDEX cases_by_overdue ON cases (overdue_at) WHERE overdue_at IS NOT NULL;

        -- Who may do what: the OS login and its role.
        CREATE TABLE operators (
            login    TEXT PRIMARY KEY,
            role     TEXT NOT NULL CHECK (role IN ('agent', 'senior', 'auditor', 'trainee')),
            added_by TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        """),
        // Shipped, so kept here for ever: files that have it record its id, and a list without it
        // would take them for a newer schema. Only TrainingRuntime's TrainingResultsStore reads
        // and writes the table, in the training database.
        Migration("0002-training-results", """
        -- Scores of training attempts; written only in a training database.
        CREATE TABLE training_results (
            id          INTEGER PRIMARY KEY,
            trainee     TEXT    NOT NULL,
            scenario    TEXT    NOT NULL,
            case_id     TEXT    NOT NULL,
            started_at  TEXT    NOT NULL,
            finished_at TEXT    NOT NULL,
            passed      INTEGER NOT NULL,
            outcome     TEXT    NOT NULL,
            expected    TEXT    NOT NULL,
            score       TEXT    NOT NULL      -- JSON: moments hit and missed, gates that stopped the trainee, seconds
        );
        CREATE INDEX training_results_by_trainee ON training_results (trainee, finished_at);
        """),
        // The queue's and `case list`'s order (most recently updated first, ties by id) as
        // indexes, so their first page is read from the front of an index instead of sorting
        // the whole table: O(log n + page) in the number of cases. The column order and
        // directions are the ORDER BY's exactly, which is what lets SQLite skip the sort
        // (https://sqlite.org/optoverview.html#order_by_optimizations; descending index columns:
        // https://sqlite.org/lang_createindex.html#descidx).
        Migration("0003-case-order-indexes", """
        CREATE INDEX cases_by_update_order ON cases (updated_at DESC, id);
        CREATE INDEX cases_by_status_update_order ON cases (status, updated_at DESC, id);
        """),
    ]
}
