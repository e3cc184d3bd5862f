import Engine
import Foundation
import SQLiteCore

/// Why the store refused or failed, in terms a command can turn into a message and exit code.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The case moved on since the caller read it (another terminal appended first).
    case caseChanged(caseID: String, expected: Int, actual: Int)
    /// Another case for the same person was recorded since the caller read that person's history.
    case subjectChanged(subject: String)
    /// Another operator holds the case's lease.
    case caseHeld(caseID: String, holder: String, until: Date)
    case caseNotFound(String)
    case caseExists(String)
    /// The file is SQLite but not a Handrail database, or not SQLite at all.
    case notAHandrailDatabase(String)
    case readOnly(String)
    case newerSchema(String, [String])
    case sqlite(SQLiteError)
    /// An append dated before the log's last event (beyond the clock-skew allowance).
    case timeWentBackwards(last: Date, attempted: Date)

    public var description: String {
        switch self {
        case .caseChanged(let id, let expected, let actual):
            return "case \(id) changed under you (expected \(expected) events, found \(actual)); reload it and try again"
        case .subjectChanged(let subject):
            return "another case for \(subject) was recorded at the same moment; look at handrail case list --subject \(subject) and try again"
        case .caseHeld(let id, let holder, let until):
            return "case \(id) is held by \(holder) until \(EventTime.format(until)); you can read it but not act on it"
        case .caseNotFound(let id): return "no case \(id)"
        case .caseExists(let id): return "a case \(id) already exists"
        case .notAHandrailDatabase(let path): return "\(path) is not a Handrail database"
        case .readOnly(let path): return "\(path) is read-only: nothing can be recorded; check the file's permissions"
        case .newerSchema(let path, let ids):
            return "\(path) was written by a newer Handrail (migrations \(ids.joined(separator: ", "))); upgrade Handrail"
        case .sqlite(let error): return error.description
        case .timeWentBackwards(let last, let attempted):
            return "refused: this event would be dated \(EventTime.format(attempted)), before the log's latest event (\(EventTime.format(last))); time in the log only moves forward. Check the clock; nothing was recorded"
        }
    }
}

extension StoreError {
    /// The store's terms for a failure on the file at `path`: a file that is not a database, or
    /// another application's, is "not a Handrail database"; a file that cannot be written is
    /// read-only; anything else from SQLite is passed on with its codes. Public because every
    /// store on the SQLite core (the directory, training results) reports in these terms.
    public init(_ error: any Error, path: String) {
        switch error {
        case let error as StoreError: self = error
        case Migrator.Failure.foreignFile: self = .notAHandrailDatabase(path)
        case Migrator.Failure.newerSchema(let ids): self = .newerSchema(path, ids)
        case let error as SQLiteError:
            if error.isNotADatabase { self = .notAHandrailDatabase(path) }
            else if error.isReadOnly { self = .readOnly(path) }
            else { self = .sqlite(error) }
        default: self = .sqlite(SQLiteError(message: "\(error)"))
        }
    }
}
