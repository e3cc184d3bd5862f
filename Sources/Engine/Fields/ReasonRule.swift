import Runbook

/// The one rule for every reason and note a reviewer will read: refusals, signals, reviews,
/// notes, pauses, restarts, approval requests and decisions, incidents, and the reason fields of
/// the runbook's steps. A reason is plain text (the field rule: no control or invisible
/// characters), at least the runbook's `minimumReasonLength` characters, with at least two words,
/// and not a placeholder ("n/a", "-", "test", "asdfasdf…").
public enum ReasonRule {
    /// What people type to get past a reason box.
    static let placeholders: Set<String> = [
        "na", "n/a", "none", "nothing", "no", "nil", "null", "tbd", "todo", "test", "testing", "asdf", "qwerty", "xxx",
        "ok", "okay", "reason", "no reason", "see ticket", "see above", "as above", "per ticket", "lorem ipsum", "blah",
        "whatever", "because", "idk", "misc", "other", "n a", "not applicable",
    ]

    /// The reason, normalised (trimmed, CR LF as LF), or why it cannot be accepted.
    public static func check(_ raw: String, settings: RunbookSettings, maxLength: Int = 2000) -> Result<String, FieldProblem> {
        switch FieldValidator.normalise(raw, for: Field(id: "reason", label: "Reason", kind: .text, maxLength: maxLength)) {
        case .failure(let problem): return .failure(problem)
        case .success(let text):
            if let problem = problem(text, minimum: settings.minimumReasonLength) { return .failure(.invalid(problem)) }
            return .success(text)
        }
    }

    /// Why `text` is not a reviewer-usable reason, or nil.
    public static func problem(_ text: String, minimum: Int) -> String? {
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.lowercased() }
        let squashed = words.joined(separator: " ")
        if squashed.isEmpty || placeholders.contains(squashed) || placeholders.contains(text.lowercased().trimmingCharacters(in: .punctuationCharacters))
            || Set(text.lowercased().filter { !$0.isWhitespace }).count <= 2 {
            return "is a placeholder, not a reason: say what happened, in a sentence a reviewer can check"
        }
        if text.count < minimum {
            return "is too short to review (\(text.count) characters; at least \(minimum))"
        }
        if words.filter({ $0.contains(where: \.isLetter) }).count < 2 {
            return "must be a sentence a reviewer can check, not a single word"
        }
        return nil
    }
}
