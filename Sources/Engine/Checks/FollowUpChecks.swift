import Runbook

/// The follow-up message must be a finished message, not a template with holes.
enum FollowUpChecks {
    static let all: [Check] = [followUpComplete]

    static let messageField = "message"

    static let followUpComplete = Check(name: "followUpComplete", label: "Follow-up message complete",
                                        inputs: CheckInputs(fields: [FieldInput(messageField, [.text])])) { c in
        guard let message = c.values[messageField] else { return .fail("Write the follow-up message") }
        if message.contains("{{") { return .fail("The message still has unfilled {{placeholders}}") }
        guard message.lowercased().contains("audit") else { return .fail("Say that this action is in the audit log") }
        return .pass("\(message.count) characters")
    }
}
