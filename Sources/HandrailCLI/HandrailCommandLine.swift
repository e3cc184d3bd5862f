import Engine
import Foundation
import Runbook

/// `handrail`'s command line: parses arguments, runs the command, returns its exit code.
/// Everything is reachable from here so the tests can run commands in-process.
public enum HandrailCommandLine {
    public static let version = "0.1.0"

    public static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                           executable: URL = URL(fileURLWithPath: CommandLine.arguments.first ?? "handrail"),
                           output: CommandOutput = .standard(), clock: @escaping @Sendable () -> Date = WallClock.now) -> Int32 {
        var args = ArgumentList(arguments)
        let runbooksOption = args.takeOption("--runbooks")
        if args.takeFlag("--help") || args.takeFlag("-h") {
            output.print(HelpText.main)
            return ExitCode.ok.rawValue
        }
        if args.takeFlag("--version") {
            output.print("handrail \(version)")
            return ExitCode.ok.rawValue
        }
        let leading = args.takeLeading(options: ["--db", "--platform"], flags: ["--json"])
        let context = CommandContext(runbooksOption: runbooksOption, environment: environment, executable: executable, output: output,
                                     clock: clock)
        guard let command = args.next() else {
            // No command: the wizard, on the queue.
            args.prepend(leading)
            return WizardCommand.run(&args, context: context, openFor: nil).rawValue
        }
        args.prepend(leading)
        switch command {
        case "help":
            output.print(HelpText.main)
            return ExitCode.ok.rawValue
        case "runbook":
            return RunbookCommand.run(&args, context: context).rawValue
        case "open":
            guard let subject = args.next() else {
                output.error("handrail open: whose case? handrail open EMAIL")
                return ExitCode.usage.rawValue
            }
            return WizardCommand.run(&args, context: context, openFor: subject).rawValue
        case "case":
            return CaseCommandLine.run(&args, context: context).rawValue
        case "audit":
            return AuditCommandLine.run(&args, context: context).rawValue
        case "train":
            return TrainCommandLine.run(&args, context: context).rawValue
        case "directory":
            return DirectoryCommandLine.run(&args, context: context).rawValue
        case "operator":
            return OperatorCommandLine.run(&args, context: context).rawValue
        case "status":
            return ReplicationCommandLine.status(&args, context: context).rawValue
        case "restore":
            return ReplicationCommandLine.restore(&args, context: context).rawValue
        case "replication":
            guard args.next() == "config" else {
                output.error("handrail replication: the only subcommand is config (prints the Litestream configuration)")
                return ExitCode.usage.rawValue
            }
            return ReplicationCommandLine.config(&args, context: context).rawValue
        case "anchor":
            return AnchorCommandLine.run(&args, context: context).rawValue
        default:
            output.error("handrail: unknown command \"\(SafeText.visible(command))\". Run 'handrail --help' for the commands.")
            return ExitCode.usage.rawValue
        }
    }
}

/// What every command is handed: options common to all, the environment, the output, and the
/// one clock (commands never read the time themselves).
struct CommandContext {
    var runbooksOption: String?
    var environment: [String: String]
    var executable: URL
    var output: CommandOutput
    /// The time, truncated to what the log stores.
    var clock: @Sendable () -> Date

    /// The organisation's time zone, for gates that speak of "today": the configuration's
    /// `timeZone`, else the process's.
    var timeZone: TimeZone {
        HandrailConfig.load(environment: environment).timeZone.flatMap(TimeZone.init(identifier:)) ?? .current
    }

    /// The organisation's domains, default country code and time zone, from the configuration.
    var organisation: Organisation {
        let config = HandrailConfig.load(environment: environment)
        return Organisation(domains: config.organisationDomains, defaultCountryCode: config.defaultCountryCode, timeZone: timeZone,
                            privilegedAccounts: config.privilegedAccounts)
    }

    func runbookLibrary() -> RunbookLibrary? {
        RunbookLibrary.locate(explicit: runbooksOption, environment: environment, executable: executable)
    }
}

/// The wall clock: the one place the command line reads the time, truncated to the
/// milliseconds the log stores. Tests of the binary move it with `faketime`.
public enum WallClock {
    @Sendable public static func now() -> Date { EventTime.truncated(Date()) }
}
