import Foundation
import Store

/// `handrail audit --follow`: the log as JSON lines (or OCSF records), then each event as it
/// commits, for a SIEM's collector to read. The database is polled, a bounded batch at a time,
/// from the last sequence number printed: a reader never holds a transaction open while it
/// waits, so it cannot hold back a checkpoint of the WAL or an operator's commit. SIGINT and
/// SIGTERM end it between batches, with everything printed flushed (exit 0).
enum AuditFollow {
    static let batch = 1000
    static let pollInterval: useconds_t = 200_000

    static func run(env: HandrailEnvironment, filter: AuditFilter, ocsf: Bool, context: CommandContext) throws -> ExitCode {
        FollowSignals.install()
        defer { FollowSignals.restore() }
        var filter = filter
        filter.limit = batch
        var position = filter.afterSeq ?? 0
        let writer = StreamWriter(output: context.output)
        while !FollowSignals.stopRequested {
            // Read first: every event up to it has committed, so the query below sees them all.
            let head = try env.store.chainHead().seq
            filter.afterSeq = position
            var count = 0
            try env.store.auditRows(filter) { row in
                count += 1
                position = row.seq
                if ocsf {
                    if let record = OCSFRecord.record(row) { writer.write(record.canonicalText + "\n") }
                } else {
                    writer.write(AuditExporter.jsonObject(row).canonicalText + "\n")
                }
            }
            writer.flush()
            if count < batch {
                // Nothing more up to `head` matches: a filtered follower does not re-read it.
                position = max(position, head)
                usleep(pollInterval)
            }
        }
        return .ok
    }
}

/// The flag SIGINT and SIGTERM set: a plain store from the handler (signal-safety(7)), read
/// by the loop between batches.
enum FollowSignals {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    static var stopRequested: Bool { flag != 0 }

    static func install() {
        flag = 0
        signal(SIGINT) { _ in FollowSignals.flag = 1 }
        signal(SIGTERM) { _ in FollowSignals.flag = 1 }
    }

    static func restore() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
