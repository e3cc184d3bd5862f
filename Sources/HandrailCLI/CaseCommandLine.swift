import Casework
import Engine
import Foundation
import Platform
import Runbook
import Store

/// `handrail case open|show|do|facts|attest|list|note|release|migrate-runbook`: every action the wizard offers,
/// scriptable. Each prints what happened; `--json` prints it for machines.
enum CaseCommandLine {
    static func run(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        guard let sub = args.next() else {
            out.error("handrail case: say open, show, do, facts, attest, list, note or release\n\n" + HelpText.cases)
            return .usage
        }
        if sub == "help" {
            out.print(HelpText.cases)
            return .ok
        }
        let env: HandrailEnvironment
        switch HandrailEnvironment.resolve(options: options, context: context, command: "case \(sub)") {
        case .success(let resolved): env = resolved
        case .failure(let reported): return reported.code
        }
        let runner = CaseRunner(env: env, json: options.json)
        do {
            switch sub {
            case "open": return try runner.open(&args)
            case "show": return try runner.show(&args)
            case "do": return try runner.act(&args)
            case "facts": return try runner.facts(&args)
            case "attest": return try runner.attest(&args)
            case "list": return try runner.list(&args)
            case "note": return try runner.note(&args)
            case "release": return try runner.release(&args)
            case "migrate-runbook": return try runner.migrateRunbook(&args)
            case "take-over": return try runner.takeOver(&args)
            default:
                out.error("handrail case: unknown subcommand \"\(SafeText.visible(sub))\"\n\n" + HelpText.cases)
                return .usage
            }
        } catch {
            return FailureReport.report(error, command: "case \(sub)", to: out)
        }
    }
}

struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
