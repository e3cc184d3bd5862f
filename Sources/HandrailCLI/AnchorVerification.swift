import Anchoring
import Casework
import Engine
import Foundation
import Hashing
import Runbook
import Store

/// `audit verify`'s options beyond the chain: the checkpoints and K0, and `--expect SEQ:HASH`.
struct VerifyOptions {
    var anchorsFile: String?
    var anchorKey: [UInt8]?
    var expectations: [(seq: Int64, hash: [UInt8])] = []
    var projections = false
    /// `--no-projections`: a log without its `cases` table (an archive, an import) is checked without replaying cases.
    var noProjections = false

    static func take(from args: inout ArgumentList) throws -> VerifyOptions {
        var options = VerifyOptions()
        options.anchorsFile = args.takeOption("--anchors")
        if let key = args.takeOption("--anchor-key") {
            guard let bytes = [UInt8](hex: key.lowercased()), bytes.count == AnchorKey.byteCount else {
                throw UsageError("--anchor-key takes K0 as printed by handrail anchor init: 64 hexadecimal digits")
            }
            options.anchorKey = bytes
        }
        if (options.anchorsFile == nil) != (options.anchorKey == nil) {
            throw UsageError("--anchors FILE and --anchor-key K0 go together")
        }
        while let expect = args.takeOption("--expect") {
            let parts = expect.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let seq = Int64(parts[0]), seq >= 0, let hash = [UInt8](hex: parts[1].lowercased()), hash.count == 32 else {
                throw UsageError("--expect takes SEQ:HASH, an event's sequence number and its 64-digit hash (as audit verify prints the head), not \"\(SafeText.visible(expect))\"")
            }
            options.expectations.append((seq, hash))
        }
        options.projections = args.takeFlag("--projections")
        options.noProjections = args.takeFlag("--no-projections")
        return options
    }

    /// The checkpoints in the file, checked from K0; nil without --anchors.
    func readAnchors() -> Result<CheckpointChain?, UsageError> {
        guard let anchorsFile, let anchorKey else { return .success(nil) }
        guard let data = FileManager.default.contents(atPath: anchorsFile) else {
            return .failure(UsageError("cannot read the checkpoints file \(SafeText.visible(anchorsFile))"))
        }
        return .success(CheckpointChain(text: String(decoding: data, as: UTF8.self), k0: anchorKey))
    }
}

/// What verification finds beyond the hash chain: the checkpoints against the log, the
/// expectations, the projection; a problem fails the verification, a warning does not.
struct AnchorVerification {
    /// How far an event or checkpoint may be dated before an earlier one: decisions are dated
    /// before they commit, so concurrent operators' events interleave by moments, not minutes.
    static let timeTolerance: TimeInterval = 300

    var problem: String?
    var warnings: [String] = []
    var lines: [String] = []
    var json: [String: JSONValue] = [:]

    func addJSON(to object: inout [String: JSONValue]) {
        object.merge(json) { $1 }
        if !warnings.isEmpty { object["warnings"] = .array(warnings.map(JSONValue.string)) }
    }

    static func check(env: HandrailEnvironment, anchors: CheckpointChain?, expectations: [(seq: Int64, hash: [UInt8])],
                      projections: Bool) throws -> AnchorVerification {
        var result = AnchorVerification()
        if let anchors { try result.checkAnchors(anchors, env: env) }
        if !expectations.isEmpty { try result.checkExpectations(expectations, env: env) }
        if projections { try result.checkProjections(env: env) }
        return result
    }

    mutating func fail(_ text: String) {
        if problem == nil { problem = text }
    }

    mutating func checkAnchors(_ chain: CheckpointChain, env: HandrailEnvironment) throws {
        if let p = chain.problem { fail("checkpoints: \(p)") }
        if chain.incompleteLastLine { warnings.append("the checkpoints file's last line has no newline (being written as it was read?) and was left out") }
        let entries = chain.entries
        json["checkpoints"] = .number(Double(entries.count))
        let (lastSeq, logged) = try env.store.loggedEvents(at: entries.map(\.checkpoint.seq))
        for entry in entries {
            let c = entry.checkpoint
            let at = "checkpoint epoch \(c.epoch) (line \(entry.line), \(CheckpointTime.format(c.timeMilliseconds)))"
            if c.seq == 0 {
                if c.head != Checkpoint.noPrevious { fail("\(at) anchors an empty log with a non-empty head") }
                continue
            }
            guard let event = logged[c.seq] else {
                fail("\(at) anchors event \(c.seq), but the log ends at \(lastSeq): it was truncated or rolled back to an older copy")
                break
            }
            if event.hash != c.head {
                fail("\(at) anchors event \(c.seq) with hash \(c.head.hexString), but the log's event \(c.seq) has \(event.hash.hexString): history up to it was rewritten or re-chained")
                break
            }
            if CheckpointTime.milliseconds(event.time) - c.timeMilliseconds > Int64(Self.timeTolerance * 1000) {
                fail("\(at) is dated before the event it anchors (\(EventTime.format(event.time))): times went backwards")
                break
            }
        }
        if let last = entries.last?.checkpoint {
            json["anchoredThrough"] = .number(Double(last.seq))
            lines.append("\(entries.count) checkpoints from K0 verified; the log matches each; last: epoch \(last.epoch), event \(last.seq), \(CheckpointTime.format(last.timeMilliseconds))")
            if lastSeq > last.seq {
                lines.append("\(lastSeq - last.seq) event(s) after the last checkpoint")
            }
            // The anchor this database signs with, where readable: the same database?
            if let status = try? env.anchorSettings.signer.status(), status.databaseID != last.databaseID {
                fail("the checkpoints are of database \(last.databaseID), but this database's anchor is \(status.databaseID)")
            }
        }
        for (sink, waiting) in CheckpointPublisher.pending(backlogPath: env.anchorSettings.backlogPath).sorted(by: { $0.key < $1.key }) {
            warnings.append("\(waiting.count) checkpoint(s) from epoch \(waiting[0].epoch) were not delivered to \(SafeText.visible(sink)) (a sink failed); they are sent with the next checkpoint")
        }
    }

    mutating func checkExpectations(_ expectations: [(seq: Int64, hash: [UInt8])], env: HandrailEnvironment) throws {
        let (lastSeq, logged) = try env.store.loggedEvents(at: expectations.map(\.seq))
        for (seq, hash) in expectations {
            let actual = seq == 0 ? Checkpoint.noPrevious : logged[seq]?.hash
            guard let actual else {
                fail("expected event \(seq) with hash \(hash.hexString), but the log ends at \(lastSeq): it was truncated or rolled back")
                return
            }
            if actual != hash {
                fail("expected event \(seq) with hash \(hash.hexString), but the log's event \(seq) has \(actual.hexString): history up to \(seq) changed")
                return
            }
        }
        lines.append("\(expectations.count) expected hash(es) still in the log")
    }

    mutating func checkProjections(env: HandrailEnvironment) throws {
        let (checked, mismatches) = try env.desk.reader.auditProjections()
        json["casesChecked"] = .number(Double(checked))
        if let first = mismatches.first {
            fail("the cases table does not match the log: \(SafeText.visible(first.description))"
                 + (mismatches.count > 1 ? " (and \(mismatches.count - 1) more)" : ""))
        } else {
            lines.append("\(checked) cases: each row equals the replay of its events")
        }
    }
}
