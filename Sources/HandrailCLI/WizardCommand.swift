import Casework
import Engine
import Foundation
import LocalTenant
import Store
import Terminal
import TrainingRuntime
import Wizard

/// `handrail` (the queue) and `handrail open EMAIL` (straight into a new case on a live call).
enum WizardCommand {
    static func run(_ args: inout ArgumentList, context: CommandContext, openFor subject: String?) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        let plain = args.takeFlag("--plain") || PlainWizardCommand.requested(by: context.environment)
        if let unknown = args.unknownOption ?? args.next() {
            out.error("handrail: unexpected \(SafeText.visible(unknown)). Run 'handrail --help' for the commands.")
            return .usage
        }
        // What setting up says on a first run (the first senior admin, the demo tenant created)
        // would be printed behind the full-screen wizard and seen only after quitting: it is
        // collected here and shown in the wizard's first dialog. Printed as usual if the wizard
        // does not start.
        let notices = NoticeCollector()
        var quiet = context
        quiet.output = CommandOutput(out: { out.raw($0) }, err: { notices.add($0) })
        let env: HandrailEnvironment
        switch HandrailEnvironment.resolve(options: options, context: quiet, command: "") {
        case .success(let resolved): env = resolved
        case .failure(let reported):
            for line in notices.lines { out.error(line) }
            return reported.code
        }
        let actor: Actor
        do { actor = try env.requireActor() } catch {
            for line in notices.lines { out.error(line) }
            return FailureReport.report(error, command: "", to: out)
        }
        let library = env.library
        let signals = ((try? library.runbook(id: "mfa-recovery").get())?.refusalSignals ?? []).map { (id: $0.id, label: $0.label) }
        let demo = (env.platform as? LocalDirectory)?.demo ?? false
        let header = HeaderInfo(login: env.login, role: actor.role, database: (env.isDemoDatabase ? "DEMO " : "") + env.store.path, platform: env.platform.name, demo: demo,
                                identityVerified: env.identity != nil)
        if plain {
            // Line by line, the first run's messages come first, as lines like every other.
            for line in notices.lines { out.error(line) }
            let start: [WizardEffect] = subject.map { [.loadQueue, .newCase(subject: $0)] } ?? [.loadQueue]
            return PlainWizardCommand.run(desk: env.desk, actor: actor, header: header, signals: signals, output: out, start: start)
        }
        guard let terminal = NCursesTerminal(environment: context.environment) else {
            for line in notices.lines { out.error(line) }
            out.error("""
            handrail: the wizard needs an interactive terminal (TERM=\(SafeText.visible(context.environment["TERM"] ?? "unset"))).
            For a screen reader, or a terminal that cannot draw: handrail --plain (or ACCESSIBLE=1), the wizard line by line.
            Everything it does is also a command: handrail case open --subject EMAIL, handrail case show ID,
            handrail case do ID STEP …, handrail case list. See handrail --help.
            """)
            return .usage
        }
        let runtime = WizardRuntime(terminal: terminal, desk: env.desk, actor: actor, header: header, signals: signals)
        if context.config.replica != nil, actor.role == .senior {
            let database = env.store.path
            runtime.replicationStatus = { [store = env.store] in ReplicationCommandLine.warningLine(database: database, store: store, context: context) }
        }
        runtime.exportFolder = DataHome.exports(environment: context.environment)
        let trainingDatabase = TrainCommandLine.trainingPaths(options: options, context: context).database
        runtime.trainingResults = {
            guard FileManager.default.fileExists(atPath: trainingDatabase) else { return [] }
            return try TrainingResultsStore(path: trainingDatabase, now: context.clock).trainingResults().map { r in
                TrainingResultRow(trainee: r.trainee, scenario: r.scenario, passed: r.passed, outcome: r.outcome, expected: r.expected,
                                  missed: (r.score["moments"]?.arrayValue ?? []).filter { $0["hit"]?.boolValue == false && $0["reached"]?.boolValue != false }
                                      .compactMap { $0["id"]?.stringValue },
                                  finished: r.finishedAt)
            }
        }
        runtime.eventTypes = env.library.eventTypes
        runtime.start(subject.map { [.loadQueue, .lookUpSubject($0)] } ?? [.loadQueue])
        if !notices.lines.isEmpty {
            runtime.announce(title: "First run", lines: notices.lines.map { $0.hasPrefix("handrail: ") ? String($0.dropFirst(10)) : $0 })
        }
        runtime.run()
        terminal.close()
        // Ended by SIGHUP or SIGTERM (the case was released): the conventional status, 128 + the signal.
        if let signal = runtime.terminatedBy { exit(128 + signal) }
        return .ok
    }
}

