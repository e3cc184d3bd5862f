/// A runbook: a procedure as data. Steps, the fields an operator fills in, the gates
/// that must pass before continuing, where each step leads, and the texts shown.
///
/// Everything here is plain data; the logic behind named checks, actions and facts
/// lives in the Engine, which hands its vocabulary to the checker (`RunbookVocabulary`).
public struct Runbook: Sendable, Equatable {
    public var id: String
    public var version: Int
    public var title: String
    public var summary: String
    /// The step every new case starts at.
    public var start: String
    /// Where a case goes when a completed admin action is found to have gone to an attacker.
    public var incidentEntry: String?
    public var settings: RunbookSettings
    public var refusalSignals: [RefusalSignal]
    public var templates: RunbookTemplates
    public var steps: [Step]

    public init(id: String, version: Int, title: String, summary: String, start: String,
                incidentEntry: String?, settings: RunbookSettings, refusalSignals: [RefusalSignal],
                templates: RunbookTemplates, steps: [Step]) {
        self.id = id
        self.version = version
        self.title = title
        self.summary = summary
        self.start = start
        self.incidentEntry = incidentEntry
        self.settings = settings
        self.refusalSignals = refusalSignals
        self.templates = templates
        self.steps = steps
    }

    public func step(_ id: String) -> Step? {
        steps.first { $0.id == id }
    }

    public func signal(_ id: String) -> RefusalSignal? {
        refusalSignals.first { $0.id == id }
    }

    /// The steps in the order a case meets them: the main path first (each step's fallback
    /// transition, which is the usual way on), then the branches, then the incident path,
    /// then anything unreachable in file order. The order `runbook show` and the wizard's rail use.
    public var stepsInWalkOrder: [Step] {
        var seen: [String] = []
        func visit(_ id: String) {
            guard !seen.contains(id), let step = step(id) else { return }
            seen.append(id)
            for transition in step.transitions.reversed() { visit(transition.to) }
        }
        visit(start)
        if let incidentEntry { visit(incidentEntry) }
        return seen.compactMap(step) + steps.filter { !seen.contains($0.id) }
    }
}

extension Runbook {
    /// Every step reachable from `id` by transitions, `id` included.
    public func stepsReachable(from id: String?) -> Set<String> {
        guard let id else { return [] }
        var reached: Set<String> = []
        var frontier = [id]
        while let next = frontier.popLast() {
            guard reached.insert(next).inserted, let step = step(next) else { continue }
            frontier += step.transitions.map(\.to)
        }
        return reached
    }
}
