import Casework
import Engine
import Foundation
import Platform
import Runbook
import Store
import XCTest

/// A database in a temporary folder, the shipped runbook, a clock that moves one second per
/// reading, and an application layer over a platform of the test's choosing.
final class CaseworkHarness {
    let folder: URL
    let store: HandrailStore
    let runbook: Runbook
    private(set) var now = Date(timeIntervalSince1970: 1_779_012_000) // 2026-05-17 10:00 UTC

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-casework-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try HandrailStore(path: folder.appendingPathComponent("handrail.db").path, now: Date.init)
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Runbooks/mfa-recovery.json5")
        guard case .valid(let runbook) = EngineVocabulary.load(try String(contentsOf: url, encoding: .utf8)) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        self.runbook = runbook
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func tick() -> Date {
        now = now.addingTimeInterval(1)
        return now
    }

    /// An application layer on this database (a new connection each time, as another process would have).
    func desk(platform: IdentityPlatform = ManualConsole()) throws -> CaseDesk {
        let runbook = runbook
        let store = try HandrailStore(path: self.store.path, now: Date.init)
        return CaseDesk(CaseworkContext(store: store, platform: platform, runbooks: { $0 == runbook.id ? runbook : nil },
                                        timeZone: TimeZone(identifier: "UTC")!, clock: { [unowned self] in self.tick() }))
    }

    static let agent = Actor(login: "alice", role: .agent)
    static let senior = Actor(login: "bob", role: .senior)
    static let ordinaryFacts: [String: JSONValue] = ["name": .string("Sam Example"), "signins": .array([]), "suspended": .string("no"),
                                                     "codes": .string("0"), "privileged": .string("no"), "federated": .array([]),
                                                     "phone": .array([.string("+15550100@2024-03-01")])]
    static let callback = ["method": "callback", "callback_number": "+15550100", "callback_confirmed": "yes", "reference": "SUP-1234"]
}

/// ManualConsole, with a hook run whenever the facts are read: another operator acting on the
/// case at exactly that moment.
final class InterruptingPlatform: IdentityPlatform {
    let inner = ManualConsole()
    var onFacts: () throws -> Void = {}
    private(set) var factReads = 0

    var name: String { inner.name }
    var summary: String { inner.summary }

    func facts(subject: String, history: [CaseEvent], now: Date) throws -> PlatformFacts {
        factReads += 1
        try onFacts()
        return try inner.facts(subject: subject, history: history, now: now)
    }

    func missingFacts(for step: Step, values: [String: String], history: [CaseEvent]) -> [MissingFact] {
        inner.missingFacts(for: step, values: values, history: history)
    }

    func knownFacts(history: [CaseEvent]) -> Set<String>? { inner.knownFacts(history: history) }
    func perform(_ request: ActionRequest) throws -> ActionOutcome { try inner.perform(request) }
    func outcome(of request: ActionRequest) throws -> ActionOutcome? { try inner.outcome(of: request) }
}
