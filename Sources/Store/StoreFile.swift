import Foundation
import SQLiteCore

/// A store's own SQLite file beside the event log (the directory, training results): opened
/// and migrated through the core — foreign-file check, WAL, durability, migrations by id —
/// read in one snapshot, written in one immediate transaction, SQLite's failures said as a
/// `StoreError` naming the file. One piece for every such store, so they cannot drift apart.
public struct StoreFile {
    public let db: Database
    public let path: String

    /// Opens (creating and migrating it if need be) the file at `path`.
    ///
    /// - Parameter now: the caller's clock, read once to date the migrations this opening applies.
    public init(path: String, applicationID: Int32, migrations: [Migration], now: () -> Date) throws(StoreError) {
        self.path = path
        do {
            db = try SQLiteFile.open(path: path, applicationID: applicationID, migrations: migrations, mode: .create, now: now())
        } catch {
            throw StoreError(error, path: path)
        }
    }

    public func read<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do { return try db.read(body) } catch { throw StoreError(error, path: path) }
    }

    public func write<T>(_ body: () throws -> T) throws(StoreError) -> T {
        if db.isReadOnly { throw .readOnly(path) }
        do { return try db.transaction(.immediate, body) } catch { throw StoreError(error, path: path) }
    }
}
