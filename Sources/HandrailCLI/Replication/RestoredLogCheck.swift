import Anchoring
import Casework
import Engine
import Foundation
import Hashing
import Platform
import Runbook
import Store

/// What a restored copy proves about itself before anyone relies on it: the hash chain holds
/// from the first event to the last, and every case's row matches the replay of its events.
/// With the checkpoints that left the machine (and K0), it says up to which checkpoint the copy
/// is complete and exactly which anchored events the replica never received. The copy is left
/// beside the live database, never in its place.
struct RestoredLogCheck {
    let path: String
    let context: CommandContext
    var anchors: CheckpointChain?

    func report(to out: CommandOutput, replica: ReplicaLocation) -> ExitCode {
        do {
            let store = try HandrailStore(path: path, create: false, readOnly: true, now: context.clock)
            let events = try store.eventCount()
            let verification = try ChainVerifier(store: store).verify()
            let last = try store.lastEventTime()
            out.print("Restored \(SafeText.visible(replica.url)) to \(SafeText.visible(path)): \(events) events"
                      + (last.map { ", the last at \($0)" } ?? "") + ".")
            if let problem = verification.problem {
                out.error("handrail restore: the restored log does NOT verify: \(SafeText.visible(problem.description)). "
                          + "It is kept at \(SafeText.visible(path)) for inspection; do not put it in service.")
                return .refused
            }
            out.print("The hash chain verifies: \(verification.eventsChecked) events, head #\(verification.headSeq) \(verification.headHash.hexString).")
            guard let library = context.runbookLibrary() else {
                out.error("handrail restore: no Runbooks folder found to replay the cases with; the projection was not checked")
                return .refused
            }
            let desk = CaseDesk(CaseworkContext(store: store, platform: ManualConsole(), runbooks: { try? library.runbook(id: $0).get() },
                                                timeZone: context.timeZone, clock: context.clock))
            let (checked, mismatches) = try desk.reader.auditProjections()
            if !mismatches.isEmpty {
                out.error("handrail restore: case rows differ from their events:")
                for mismatch in mismatches { out.error("  " + SafeText.visible(mismatch.description)) }
                out.error("It is kept at \(SafeText.visible(path)) for inspection; do not put it in service.")
                return .refused
            }
            out.print("Every case's row matches the replay of its events (\(checked) cases).")
            if let anchors, let verdict = try checkAgainst(anchors, store: store, out: out) { return verdict }
            out.print("The live database is untouched. To put this copy in service, stop Handrail and Litestream, move it into place, and start them again (see the README).")
            return .ok
        } catch {
            out.error("handrail restore: the restored copy at \(SafeText.visible(path)) cannot be read as a Handrail database: \(SafeText.visible("\(error)"))")
            return .refused
        }
    }

    /// The cases the checkpoints beyond the copy recorded (version 2 lines): each had events in
    /// what those checkpoints anchor, so each may have lost some. Version 1 lines recorded none.
    static func cases(of checkpoints: [Checkpoint]) -> String {
        guard checkpoints.allSatisfy({ $0.cases != nil }) else {
            return "(their cases are not recorded: checkpoints of version 1)"
        }
        var named = Set<String>()
        var more = 0
        for c in checkpoints {
            for id in c.cases ?? [] {
                if id.hasPrefix("+") { more += Int(id.dropFirst()) ?? 0 } else { named.insert(id) }
            }
        }
        let list = named.sorted().map { SafeText.visible($0) }.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
        return named.isEmpty && more == 0 ? "(no case recorded)" : "of cases \(list)"
    }

    /// The copy against the checkpoints: each checkpoint at or before the copy's last event must
    /// anchor exactly that event's hash (else the replica's history differs from what was
    /// anchored: refused); checkpoints beyond it name the anchored events the replica lacks.
    /// Nil when the copy holds everything anchored; otherwise the exit code.
    func checkAgainst(_ chain: CheckpointChain, store: HandrailStore, out: CommandOutput) throws -> ExitCode? {
        if let problem = chain.problem {
            out.error("handrail restore: the checkpoints do not verify from K0: \(SafeText.visible(problem.description)); the copy was not compared with them")
            return .refused
        }
        let entries = chain.entries.map(\.checkpoint).filter { $0.seq > 0 }
        let (lastSeq, logged) = try store.loggedEvents(at: entries.map(\.seq))
        var complete: Checkpoint?
        var beyond: [Checkpoint] = []
        for checkpoint in entries {
            if checkpoint.seq > lastSeq { beyond.append(checkpoint); continue }
            guard logged[checkpoint.seq]?.hash == checkpoint.head else {
                out.error("handrail restore: checkpoint epoch \(checkpoint.epoch) anchors event \(checkpoint.seq) with hash \(checkpoint.head.hexString), "
                          + "but the copy's event \(checkpoint.seq) differs: the replica's history is not what was anchored. Do not put it in service.")
                return .refused
            }
            complete = checkpoint
        }
        if let complete {
            out.print("Complete up to checkpoint epoch \(complete.epoch) (event \(complete.seq), \(CheckpointTime.format(complete.timeMilliseconds))).")
        }
        guard let last = beyond.last else {
            out.print("Every anchored event is in the copy (\(entries.count) checkpoints from K0 verified).")
            return nil
        }
        out.error("handrail restore: MISSING from the replica: events \(lastSeq + 1) to \(last.seq) \(Self.cases(of: beyond)), anchored by checkpoint(s) "
                  + beyond.map { "epoch \($0.epoch) (event \($0.seq), \(CheckpointTime.format($0.timeMilliseconds)))" }.joined(separator: ", ")
                  + ". They were committed and anchored but never replicated; the copy at \(SafeText.visible(path)) lacks them "
                  + "(their events are in the syslog stream and audit --follow output).")
        return .refused
    }
}
