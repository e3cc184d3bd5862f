import Casework
import LocalTenant
import Store

/// Every command's failures, said the same way: a message on stderr (data made visible, never
/// interpreted) and the documented exit code for the kind of failure.
enum FailureReport {
    static func report(_ error: Error, command: String, to out: CommandOutput) -> ExitCode {
        switch error {
        case let setup as HandrailEnvironment.SetupError:
            guard case .failed(let code, let message) = setup else { return .internalError }
            out.error(message)
            return code
        case let usage as UsageError:
            out.error("handrail \(command): \(usage.message)")
            return .usage
        case let store as StoreError:
            out.error("handrail: \(SafeText.visible(store.description))")
            return StoreErrorMapping.exitCode(store)
        case let refusal as UserSimulator.Refusal:
            out.error("Refused: \(SafeText.visible(refusal.description))")
            return .refused
        case let missing as CaseworkError:
            out.error("handrail: \(SafeText.visible(missing.description))")
            switch missing {
            case .platformMismatch: return .usage
            case .runbookChanged: return .refused
            case .runbookMissing: return .internalError
            }
        default:
            out.error("handrail: internal error: \(SafeText.visible(String(describing: error))); nothing half-done was recorded")
            return .internalError
        }
    }
}

extension HandrailEnvironment {
    /// The environment, or the failure already reported and its exit code.
    static func resolve(options: GlobalOptions, context: CommandContext, command: String) -> Result<HandrailEnvironment, ExitCodeError> {
        do {
            let env = try resolve(options: options, context: context, readOnly: readOnlyCommands.contains(command))
            try env.requireReader(command: command)
            return .success(env)
        } catch {
            return .failure(ExitCodeError(code: FailureReport.report(error, command: command, to: context.output)))
        }
    }
}

extension HandrailEnvironment {
    /// Commands that only read: their database is opened read-only (SQLITE_OPEN_READONLY), so
    /// nothing, not even a migration or a first operator, is written by them.
    static let readOnlyCommands: Set<String> = ["case show", "case list", "audit", "operator list"]

    /// Reading case or audit data needs a role on the roster: a login that is not on it reads
    /// nothing, and a trainee's data is the training database, never the real queue.
    func requireReader(command: String) throws(SetupError) {
        guard command.hasPrefix("case") || command == "audit" || command == "" || command.hasPrefix("operator") else { return }
        let role = try requireActor().role
        if role == .trainee {
            throw .failed(.notPermitted, "handrail: \(SafeText.visible(login)) is a trainee: trainees practise with handrail train and do not see the real queue or audit log")
        }
    }
}

/// A failure that has been reported; only its exit code is left to return.
struct ExitCodeError: Error {
    var code: ExitCode
}
