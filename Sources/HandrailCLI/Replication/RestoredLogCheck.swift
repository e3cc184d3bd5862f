import Casework
import Engine
import Foundation
import Hashing
import Platform
import Runbook
import Store

/// What a restored copy proves about itself before anyone relies on it: the hash chain holds
/// from the first event to the last, and every case's row matches the replay of its events.
/// It says how far the log runs (last sequence number and time), so that it can be set against
/// what the help desk last saw; the copy is left beside the live database, never in its place.
struct RestoredLogCheck {
    let path: String
    let context: CommandContext

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
            let mismatches = try desk.reader.projectionMismatches()
            if !mismatches.isEmpty {
                out.error("handrail restore: \(mismatches.count) case row(s) differ from their events:")
                for mismatch in mismatches.prefix(20) { out.error("  " + SafeText.visible(mismatch.description)) }
                out.error("It is kept at \(SafeText.visible(path)) for inspection; do not put it in service.")
                return .refused
            }
            out.print("Every case's row matches the replay of its events.")
            out.print("The live database is untouched. To put this copy in service, stop Handrail and Litestream, move it into place, and start them again (see the README).")
            return .ok
        } catch {
            out.error("handrail restore: the restored copy at \(SafeText.visible(path)) cannot be read as a Handrail database: \(SafeText.visible("\(error)"))")
            return .refused
        }
    }
}
