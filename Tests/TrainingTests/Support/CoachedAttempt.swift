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
import XCTest

/// A training attempt in the wizard, in process: the runtime on a virtual terminal, a training
/// database and a fresh training tenant seeded from the scenario, and the TrainingCoach playing
/// the caller, wired the way `handrail train SCENARIO` wires them. Keys go in; the model, the
/// screen, the stored result and the tenant can be read. The clock is a test clock that moves one
/// second per reading, starting mid-morning, so "today" means what the scenarios mean.
final class CoachedAttempt {
    final class TestClock {
        var now = ISO8601DateFormatter().date(from: "2026-05-17T10:00:00Z")!
        func read() -> Date {
            now = now.addingTimeInterval(1)
            return now
        }
    }

    let scenario: Scenario
    let folder: URL
    let store: HandrailStore
    let directory: DirectoryStore
    let service: CaseDesk
    let coach: TrainingCoach
    let runtime: WizardRuntime
    let terminal = VirtualTerminal(width: 100, height: 32)
    let clock = TestClock()
    let trainee: String

    init(_ scenarioID: String, trainee: String = "trainee1") throws {
        scenario = try TrainingFiles.scenario(id: scenarioID)
        let runbook = try TrainingFiles.runbook()
        self.trainee = trainee
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-coached-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try HandrailStore(path: folder.appendingPathComponent("training.db").path, now: Date.init)
        let start = clock.read()
        try store.setOperator(trainee, role: .trainee, by: trainee, at: start)
        try store.setOperator(TrainingCoach.seniorOnDuty.login, role: .senior, by: trainee, at: start)
        directory = try DirectoryStore(path: folder.appendingPathComponent("directory.db").path, now: Date.init)
        try ScenarioTenant.seed(directory, scenario: scenario, now: start)
        let clock = self.clock
        var context = CaseworkContext(store: store, platform: LocalDirectory(store: directory), runbooks: { $0 == runbook.id ? runbook : nil },
                                      timeZone: TimeZone(identifier: "UTC")!, clock: { clock.read() })
        context.training = true
        service = CaseDesk(context)
        runtime = WizardRuntime(terminal: terminal, desk: service, actor: Actor(login: trainee, role: .trainee),
                                header: HeaderInfo(login: trainee, role: .trainee, database: store.path, platform: "local (training tenant)", demo: false),
                                signals: runbook.refusalSignals.map { (id: $0.id, label: $0.label) })
        let store = self.store
        coach = TrainingCoach(scenario: scenario, runbook: runbook, directory: directory, desk: service, trainee: trainee,
                              clock: { clock.read() }, keepResult: { try TrainingResultsStore(path: store.path, now: Date.init).saveTrainingResult($0) })
        runtime.coach = coach
        runtime.start([.newCase(subject: scenario.subject.email)])
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    func press(_ keys: Key...) {
        for key in keys { runtime.handle(key) }
    }

    func type(_ text: String) {
        for character in text { runtime.handle(.character(character)) }
    }

    var screen: String { terminal.text }
    var model: WizardModel { runtime.model }
    var state: CaseState? { model.caseScreen?.state }
    var focusedFieldID: String? { model.caseScreen?.focusedField?.id }

    /// Moves the focus to the form field `id` (Tab or Shift-Tab), failing if it is not in the form.
    func focus(_ id: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let fields = model.caseScreen?.formFields, let target = fields.firstIndex(where: { $0.id == id }) else {
            XCTFail("no field \(id) in the form: \(model.caseScreen?.formFields.map(\.id) ?? [])", file: file, line: line)
            return
        }
        while let current = model.caseScreen?.focus, current != target {
            press(current < target ? .tab : .backTab)
        }
    }

    /// The title of the dialog on screen, if any.
    var modalTitle: String? {
        switch model.modal?.kind {
        case .message(let title, _)?: return title
        case .reason(let purpose)?: return purpose.title
        case .confirmStep(_, let title, _)?: return title
        case .secrets?: return "secrets"
        default: return nil
        }
    }

    var modalLines: [String] {
        if case .message(_, let lines)? = model.modal?.kind { return lines }
        return []
    }

    /// The results the coach kept for this trainee.
    func results() throws -> [TrainingResult] { try TrainingResultsStore(path: store.path, now: Date.init).trainingResults(trainee: trainee) }
}
