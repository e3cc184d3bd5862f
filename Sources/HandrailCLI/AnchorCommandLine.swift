import Anchoring
import Engine
import Foundation
import Hashing
import Store

/// `handrail anchor init` and `handrail anchor status`: the key that signs checkpoints of the
/// log, and where they go.
enum AnchorCommandLine {
    static func run(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        guard let sub = args.next(), ["init", "status"].contains(sub) else {
            out.error("handrail anchor: say init or status\n\n" + HelpText.anchor)
            return .usage
        }
        if let unknown = args.unknownOption ?? args.next() {
            out.error("handrail anchor: unexpected \(SafeText.visible(unknown))\n\n" + HelpText.anchor)
            return .usage
        }
        if let locked = context.locked, sub == "init" {
            guard context.identity?.entry == .system else {
                out.error("handrail anchor init: in a locked deployment root makes the anchor account's key (handrail anchor init, as root)")
                return .notPermitted
            }
            return LockedAnchorInit.run(config: locked, context: context)
        }
        let env: HandrailEnvironment
        switch HandrailEnvironment.resolve(options: options, context: context, command: "anchor") {
        case .success(let resolved): env = resolved
        case .failure(let reported): return reported.code
        }
        let settings = env.anchorSettings
        switch sub {
        case "init":
            guard env.role == .senior else {
                out.error("handrail anchor init: only a senior admin may anchor the log; \(SafeText.visible(env.login)) is \(env.role?.rawValue ?? "not on the roster")")
                return .notPermitted
            }
            return initialise(env: env, settings: settings, out: out)
        default:
            return status(env: env, settings: settings, out: out)
        }
    }

    /// A new K0 and database id, from the system's random source.
    static func newKey() -> (k0: [UInt8], databaseID: String) {
        var generator = SystemRandomNumberGenerator()
        let k0 = (0..<AnchorKey.byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return (k0, (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString)
    }

    /// What `anchor init` prints, once: K0 for the auditor.
    static func announce(k0: [UInt8], databaseID: String, keyPath: String, settings: AnchorSettings, out: CommandOutput) {
        out.print("""
        Anchor key K0 for database \(databaseID) — shown once, never stored:

          \(k0.hexString)

        Give it to the auditor to keep offline (on paper or an offline medium). It is the only
        way to check the checkpoints: handrail audit verify --anchors FILE --anchor-key K0.
        The key on this machine has already moved on (\(SafeText.visible(keyPath))).
        Checkpoints go to: \(settings.sinkSummary).
        """)
    }

    static func initialise(env: HandrailEnvironment, settings: AnchorSettings, out: CommandOutput) -> ExitCode {
        let (k0, databaseID) = newKey()
        do {
            _ = try KeyFileSigner.create(path: settings.keyPath, databaseID: databaseID, k0: k0)
        } catch {
            out.error("handrail anchor init: \(SafeText.visible(error.description))")
            return error == .alreadyInitialised(settings.keyPath) ? .usage : .internalError
        }
        // Epoch 0 anchors the log as it is now; K(0) is overwritten by K(1) as it is signed.
        let anchor = CheckpointAnchor(store: env.store, settings: settings, clock: env.clock)
        let receipt = anchor.anchorNow()
        for warning in receipt.warnings { out.error(SafeText.visible(warning)) }
        announce(k0: k0, databaseID: databaseID, keyPath: settings.keyPath, settings: settings, out: out)
        return .ok
    }

    static func status(env: HandrailEnvironment, settings: AnchorSettings, out: CommandOutput) -> ExitCode {
        do {
            let status = try settings.signer.status()
            let head = try env.store.chainHead()
            out.print("""
            database \(status.databaseID): next epoch \(status.nextEpoch); last checkpoint at event \(status.lastSeq), \(CheckpointTime.format(status.lastTimeMilliseconds)); log at event \(head.seq)
            checkpoints go to: \(settings.sinkSummary)
            """)
            for (sink, waiting) in CheckpointPublisher.pending(backlogPath: settings.backlogPath).sorted(by: { $0.key < $1.key }) {
                out.error("anchor: WARNING: \(waiting.count) checkpoint(s) not yet delivered to \(SafeText.visible(sink)), from epoch \(waiting[0].epoch)")
            }
            return .ok
        } catch {
            out.error("handrail anchor status: \(SafeText.visible(String(describing: error)))")
            return .usage
        }
    }
}

extension AnchorSettings {
    var sinkSummary: String {
        var parts: [String] = []
        if let syslogSocket { parts.append("syslog (authpriv) at \(SafeText.visible(syslogSocket))") }
        if let checkpointFile { parts.append("the file \(SafeText.visible(checkpointFile))") }
        return parts.isEmpty ? "nowhere (both sinks are off)" : parts.joined(separator: " and ")
    }
}
