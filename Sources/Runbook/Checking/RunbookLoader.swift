import Foundation

/// Reads a runbook text into a `Runbook`, or into the complete list of what is wrong with it.
/// This is the one door runbooks come in by: the CLI, the wizard and the tests all use it,
/// so no case can ever run on a runbook that `runbook check` would reject.
public enum RunbookLoader {
    public enum Outcome: Sendable {
        case valid(Runbook)
        case invalid([RunbookProblem])
    }

    /// Loads a runbook file's bytes: bytes that are not UTF-8 are one problem, at the first bad byte.
    public static func load(_ data: Data, vocabulary: RunbookVocabulary) -> Outcome {
        switch SourceText.decode(data) {
        case .success(let text): return load(text, vocabulary: vocabulary)
        case .failure(let bad): return .invalid([RunbookProblem(.syntax, at: .root, bad.location, bad.message)])
        }
    }

    public static func load(_ text: String, vocabulary: RunbookVocabulary) -> Outcome {
        let document: JSONNode
        do {
            document = try JSON5Parser.parse(text)
        } catch {
            return .invalid([RunbookProblem(.syntax, at: .root, error.location, "syntax error: \(error.message)")])
        }
        let decoder = RunbookDecoder()
        let runbook = decoder.decode(document)
        var problems = decoder.problems
        if let runbook {
            var validator = RunbookValidator(runbook: runbook, document: document, vocabulary: vocabulary)
            problems += validator.validate()
        }
        problems.sort { ($0.location ?? SourceLocation(line: 0, column: 0)) < ($1.location ?? SourceLocation(line: 0, column: 0)) }
        if let runbook, problems.isEmpty { return .valid(runbook) }
        return .invalid(problems)
    }
}
