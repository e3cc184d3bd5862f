import Engine
import Foundation
import Runbook

/// `handrail`'s command line: parses arguments, runs the command, returns its exit code.
/// Everything is reachable from here so the tests can run commands in-process.
public enum HandrailCommandLine {
    public static let version = "0.1.0"

    public static func run(_ arguments: [String], environment: [String: String] = ProcessEnvironment.current(),
                           executable: URL = URL(fileURLWithPath: CommandLine.arguments.first ?? "handrail"),
                           output: CommandOutput = .standard(), clock: @escaping @Sendable () -> Date = WallClock.now,
                           systemConfiguration: String? = nil) -> Int32 {
        // The installation's configuration, found from the running executable's real path: its
        // presence locks the deployment, and nothing an operator sets can move it.
        let configPath = systemConfiguration ?? SystemConfiguration.installedPath(executablePath: SystemConfiguration.runningExecutablePath())
        let locked: SystemConfiguration?
        do { locked = try SystemConfiguration.load(path: configPath) } catch {
            output.error("handrail: refusing to run: \(SafeText.visible(error.description))")
            return ExitCode.usage.rawValue
        }
        var arguments = arguments
        var identity: OperatorIdentity?
        if let locked {
            do {
                let admission = try LockedEntry.admit(arguments, config: locked, environment: environment)
                arguments = admission.arguments
                identity = admission.identity
                try FileTrust.requireTrustedRunbooks(locked.runbooks)
            } catch let refused as LockedEntry.Refused {
                output.error(refused.message)
                return refused.code.rawValue
            } catch {
                output.error("handrail: refusing to run: \(SafeText.visible(String(describing: error)))")
                return ExitCode.usage.rawValue
            }
        }
        if let locked, identity?.entry == .anchorHelper {
            return AnchorHelperCommand.run(config: locked, output: output, clock: clock).rawValue
        }
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
        let leading = args.takeLeading(options: ["--db", "--platform"], flags: ["--json", "--plain"])
        var context = CommandContext(runbooksOption: runbooksOption, environment: environment, executable: executable, output: output,
                                     clock: clock, config: HandrailConfig.effective(locked: locked, environment: environment))
        context.locked = locked
        context.identity = identity
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
        case "init":
            return InitCommandLine.run(&args, context: context).rawValue
        case "ssh-entry":
            output.error("handrail ssh-entry: the SSH forced command of a locked deployment; this installation has no \(SafeText.visible(configPath))")
            return ExitCode.usage.rawValue
        case "runbook":
            return RunbookCommand.run(&args, context: context).rawValue
        case "open":
            // `handrail --plain open EMAIL`: the flag put back in front is not the email.
            let plain = args.takeFlag("--plain")
            guard let subject = args.next() else {
                output.error("handrail open: whose case? handrail open EMAIL")
                return ExitCode.usage.rawValue
            }
            if plain { args.prepend(["--plain"]) }
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
    /// The user configuration, read once per command (every setting the command needs comes from it).
    var config: HandrailConfig
    /// The system configuration, when the deployment is locked.
    var locked: SystemConfiguration?
    /// Who the system says the operator is (locked deployments).
    var identity: OperatorIdentity?

    /// The organisation's time zone, for gates that speak of "today": the configuration's
    /// `timeZone`, else the process's.
    var timeZone: TimeZone {
        if let locked { return locked.timeZone }
        return config.timeZone.flatMap(TimeZone.init(identifier:)) ?? .current
    }

    /// The organisation's domains, default country code and time zone, from the configuration.
    var organisation: Organisation {
        return Organisation(domains: config.organisationDomains, defaultCountryCode: config.defaultCountryCode, timeZone: timeZone,
                            privilegedAccounts: config.privilegedAccounts, ticketPattern: config.ticketPattern)
    }

    func runbookLibrary() -> RunbookLibrary? {
        if let locked { return RunbookLibrary(directory: URL(fileURLWithPath: locked.runbooks)) }
        return RunbookLibrary.locate(explicit: runbooksOption, environment: environment, executable: executable)
    }
}

/// The wall clock: the one place the command line reads the time, truncated to the
/// milliseconds the log stores. Tests of the binary move it with `faketime`.
public enum WallClock {
    @Sendable public static func now() -> Date { EventTime.truncated(Date()) }
}
