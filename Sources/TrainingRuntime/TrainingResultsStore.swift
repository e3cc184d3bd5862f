import Engine
import Foundation
import Runbook
import SQLiteCore
import Store

/// Where training keeps the results of attempts: the `training_results` table of the training
/// database (a case database of its own, beside the real one). Kept apart from the event log's
/// store because results are not events: they are scores, written once per finished attempt
/// and read by the trainee and their seniors.
///
/// The table comes with the case database's migrations (0002), so this store opens the file as
/// a case database, through the same core, and any of the two may be the first to create it.
public final class TrainingResultsStore {
    let file: StoreFile
    var db: Database { file.db }
    public var path: String { file.path }

    /// Opens (creating and migrating it if need be) the training database at `path`, through the same
    /// core as the case database (`StoreFile`).
    ///
    /// - Parameter now: the caller's clock, read once to date the migrations this opening applies.
    public init(path: String, now: () -> Date) throws(StoreError) {
        file = try StoreFile(path: path, applicationID: Migrations.applicationID, migrations: Migrations.all, now: now)
    }

    func read<T>(_ body: () throws -> T) throws(StoreError) -> T { try file.read(body) }

    func write<T>(_ body: () throws -> T) throws(StoreError) -> T { try file.write(body) }

    public func saveTrainingResult(_ r: TrainingResult) throws(StoreError) {
        try write {
            try db.prepare("""
            INSERT INTO training_results (trainee, scenario, case_id, started_at, finished_at, passed, outcome, expected, score)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """).run([.text(r.trainee), .text(r.scenario), .text(r.caseID), .text(EventTime.format(r.startedAt)),
                      .text(EventTime.format(r.finishedAt)), .integer(r.passed ? 1 : 0), .text(r.outcome), .text(r.expected),
                      .text(r.score.canonicalText)])
        }
    }

    /// Results, newest first, of one trainee or of everyone.
    public func trainingResults(trainee: String? = nil, limit: Int = 500) throws(StoreError) -> [TrainingResult] {
        try read {
            let statement = try db.prepare("""
            SELECT trainee, scenario, case_id, started_at, finished_at, passed, outcome, expected, score FROM training_results
            WHERE ?1 IS NULL OR trainee = ?1 ORDER BY finished_at DESC, id DESC LIMIT ?2
            """)
            try statement.bind([trainee.map(SQLValue.text) ?? .null, .integer(Int64(limit))])
            var out: [TrainingResult] = []
            while try statement.step() {
                out.append(TrainingResult(trainee: statement.string(0), scenario: statement.string(1), caseID: statement.string(2),
                                          startedAt: EventTime.parse(statement.string(3)) ?? .distantPast,
                                          finishedAt: EventTime.parse(statement.string(4)) ?? .distantPast,
                                          passed: statement.int(5) != 0, outcome: statement.string(6), expected: statement.string(7),
                                          score: (try? JSON5Parser.parse(statement.string(8)))?.plain ?? .null))
            }
            return out
        }
    }
}
