import Casework
import Engine
import Foundation
import LocalTenant
import Runbook
import Store
import Terminal
import Training
import TrainingRuntime
import Wizard

/// `handrail train` (the scenarios), `train SCENARIO` (an attempt in the wizard), `train results
/// [LOGIN]` and `train check FILE…`. Training runs the real runbook and gates against a tenant and
/// a database of its own, beside the real ones but never the same files: nothing a trainee does
/// reaches production cases or the production audit log.
enum TrainCommandLine {
    static func run(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        let sub = args.next()
        guard let library = context.runbookLibrary() else {
            out.error("handrail: no Runbooks folder found. Pass --runbooks DIR or set HANDRAIL_RUNBOOKS.")
            return .usage
        }
        let runbook = try? library.runbook(id: "mfa-recovery").get()
        let scenarios = ScenarioLibrary(runbooks: library)
        switch sub {
        case nil, "list":
            // Titles only, numbered: whether a caller is honest or an attacker is what the
            // trainee must find out; the debrief says it (and the ids, which could, are not shown).
            var rows = [["#", "TITLE"]]
            for (n, entry) in Self.numbered(scenarios, runbook: runbook).enumerated() {
                switch entry.result {
                case .success(let s): rows.append(["\(n + 1)", SafeText.visible(s.title)])
                case .failure: rows.append(["\(n + 1)", "has problems: handrail train check \(SafeText.visible(entry.url.path))"])
                }
            }
            out.print(TextTable.render(rows))
            out.print("\nStart one with: handrail train NUMBER")
            return .ok
        case "check":
            var worst = ExitCode.ok
            while let file = args.next() {
                switch ScenarioLibrary.load(file: URL(fileURLWithPath: file), runbook: runbook) {
                case .success(let s): out.print("\(SafeText.visible(file)): ok: \(SafeText.visible(s.id)), \(s.expected.moments.count) decisive moments")
                case .failure(let failure):
                    for problem in failure.problems { out.print(SafeText.visible(problem.formatted(file: file))) }
                    worst = .refused
                }
            }
            return worst
        case "results":
            return results(args.next(), options: options, context: context)
        case let id?:
            // A number from the list, or a scenario's id.
            if let n = Int(id), case let all = Self.numbered(scenarios, runbook: runbook), all.indices.contains(n - 1) {
                let chosen = all[n - 1].url.deletingPathExtension().lastPathComponent
                return attempt(chosen, options: options, context: context, scenarios: scenarios, runbook: runbook)
            }
            return attempt(id, options: options, context: context, scenarios: scenarios, runbook: runbook)
        }
    }

    /// The scenarios in the list's order (by title, so the order says nothing of the caller).
    static func numbered(_ scenarios: ScenarioLibrary, runbook: Runbook?) -> [(url: URL, result: Result<Scenario, ScenarioProblems>)] {
        scenarios.all(runbook: runbook).map { (url: $0.0, result: $0.1) }.sorted { a, b in
            let ta = (try? a.result.get().title) ?? a.url.lastPathComponent, tb = (try? b.result.get().title) ?? b.url.lastPathComponent
            return ta.lowercased() < tb.lowercased()
        }
    }

    /// Where training keeps its files: a `training` folder beside the real database.
    static func trainingPaths(options: GlobalOptions, context: CommandContext) -> (database: String, directory: String) {
        let folder = (realDatabase(options: options, context: context) as NSString).deletingLastPathComponent + "/training"
        return (folder + "/training.db", folder + "/directory.db")
    }

    /// The real database: the system configuration's in a locked deployment.
    static func realDatabase(options: GlobalOptions, context: CommandContext) -> String {
        context.locked?.database ?? HandrailEnvironment.databasePath(options: options, environment: context.environment, config: context.config)
    }

    /// Who is training: the login the system established (locked), else the unlocked one.
    static func trainee(_ context: CommandContext) -> String {
        context.identity?.login ?? OperatorLogin.current(environment: context.environment)
    }

    /// The trainee's role on the real roster, read without writing to the real database (and
    /// without creating one): training never touches real cases or the real audit log.
    static func realRole(_ login: String, options: GlobalOptions, context: CommandContext) -> Role? {
        (try? HandrailStore(path: realDatabase(options: options, context: context), create: false, readOnly: true, now: context.clock))
            .flatMap { try? $0.role(of: login) }
    }

    /// The training folder, made for the account Handrail runs as (0700) when it is not there.
    static func makeTrainingFolder(_ paths: (database: String, directory: String)) {
        let folder = (paths.database as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    static func results(_ login: String?, options: GlobalOptions, context: CommandContext) -> ExitCode {
        let out = context.output
        let me = trainee(context)
        let realRole = realRole(me, options: options, context: context)
        // Trainees see their own results; seniors see anyone's.
        if let login, login != me, realRole != .senior {
            out.error("handrail train results: only a senior admin may see another trainee's results")
            return .notPermitted
        }
        let who = login ?? (realRole == .senior ? nil : me)
        do {
            let paths = trainingPaths(options: options, context: context)
            makeTrainingFolder(paths)
            let store = try TrainingResultsStore(path: paths.database, now: context.clock)
            let results = try store.trainingResults(trainee: who)
            var rows = [["TRAINEE", "SCENARIO", "RESULT", "OUTCOME (EXPECTED)", "MISSED", "FINISHED (UTC)"]]
            for r in results {
                let missed = (r.score["moments"]?.arrayValue ?? []).filter { $0["hit"]?.boolValue == false && $0["reached"]?.boolValue != false }.compactMap { $0["id"]?.stringValue }
                rows.append([r.trainee, r.scenario, r.passed ? "passed" : "NOT PASSED", "\(r.outcome) (\(r.expected))",
                             missed.joined(separator: ", "), EventTime.format(r.finishedAt)].map { SafeText.visible($0) })
            }
            out.print(results.isEmpty ? "No training results yet." : TextTable.render(rows))
            return .ok
        } catch {
            out.error("handrail: \(SafeText.visible(error.description))")
            return StoreErrorMapping.exitCode(error)
        }
    }

    static func attempt(_ id: String, options: GlobalOptions, context: CommandContext, scenarios: ScenarioLibrary, runbook: Runbook?) -> ExitCode {
        let out = context.output
        guard let runbook else { out.error("handrail train: the mfa-recovery runbook is missing"); return .usage }
        let file = scenarios.directory.appendingPathComponent(id + ".json5")
        guard FileManager.default.fileExists(atPath: file.path) else {
            out.error("handrail train: no scenario \"\(SafeText.visible(id))\"; handrail train lists them")
            return .usage
        }
        let scenario: Scenario
        switch ScenarioLibrary.load(file: file, runbook: runbook) {
        case .success(let s): scenario = s
        case .failure(let failure):
            for problem in failure.problems { out.error(SafeText.visible(problem.formatted(file: file.path))) }
            return .refused
        }
        let me = trainee(context)
        guard OperatorLogin.isValid(me) else { out.error("handrail: \"\(SafeText.visible(me))\" is not a login name Handrail can record"); return .usage }
        let paths = trainingPaths(options: options, context: context)
        makeTrainingFolder(paths)
        guard let role = realRole(me, options: options, context: context) else {
            out.error("handrail train: \(SafeText.visible(me)) is not on the roster; ask a senior admin: handrail operator add \(SafeText.visible(me)) --role trainee")
            return .notPermitted
        }
        guard role != .auditor else { out.error("handrail train: auditors read and export; they do not train on cases"); return .notPermitted }
        do {
            let store = try HandrailStore(path: paths.database, now: context.clock)
            let now = context.clock()
            try store.setOperator(me, role: role, by: me, at: now)
            try store.setOperator(TrainingCoach.seniorOnDuty.login, role: .senior, by: me, at: now)
            // A fresh tenant for every attempt.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: paths.directory + suffix) }
            let directory = try DirectoryStore(path: paths.directory, now: context.clock)
            try ScenarioTenant.seed(directory, scenario: scenario, now: now)
            var casework = CaseworkContext(store: store, platform: LocalDirectory(store: directory),
                                           runbooks: { $0 == runbook.id ? runbook : nil }, timeZone: context.timeZone, clock: context.clock)
            casework.training = true
            let desk = CaseDesk(casework)
            guard let terminal = NCursesTerminal(environment: context.environment) else {
                out.error("handrail train: training runs in the wizard and needs an interactive terminal")
                return .usage
            }
            let actor = Actor(login: me, role: role)
            let header = HeaderInfo(login: me, role: role, database: paths.database, platform: "local (training tenant)", demo: false)
            let runtime = WizardRuntime(terminal: terminal, desk: desk, actor: actor, header: header,
                                        signals: runbook.refusalSignals.map { (id: $0.id, label: $0.label) })
            let coach = TrainingCoach(scenario: scenario, runbook: runbook, directory: directory, desk: desk, trainee: me,
                                      clock: context.clock, keepResult: { try TrainingResultsStore(path: paths.database, now: context.clock).saveTrainingResult($0) })
            runtime.coach = coach
            runtime.start([.newCase(subject: scenario.subject.email)])
            runtime.run()
            terminal.close()
            // Left before the case ended (waiting for an enrolment that never comes, say): scored as it stands.
            _ = coach.finish()
            if let score = coach.score {
                for line in TrainingScorer.debriefText(score, scenario: scenario) { out.print(SafeText.visible(line)) }
            }
            return .ok
        } catch let error as StoreError {
            out.error("handrail: \(SafeText.visible(error.description))")
            return StoreErrorMapping.exitCode(error)
        } catch {
            out.error("handrail: \(SafeText.visible(String(describing: error)))")
            return .internalError
        }
    }
}
