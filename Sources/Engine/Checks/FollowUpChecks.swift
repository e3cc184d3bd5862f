import Runbook

/// The field names the follow-up's gates and the notification read.
public enum FollowUpField {
    /// The message the notification carries.
    public static let message = "message"
}

/// The follow-up message must be a finished message, not a template with holes, and it must have
/// somewhere to go.
enum FollowUpChecks {
    static let all: [Check] = [followUpComplete, notificationAddressesOnFile]

    static let messageField = FollowUpField.message

    static let followUpComplete = Check(name: "followUpComplete", label: "Follow-up message complete",
                                        inputs: CheckInputs(fields: [FieldInput(messageField, [.text])])) { c in
        guard let message = c.values[messageField] else { return .fail("Write the follow-up message") }
        if TemplateText.hasPlaceholderOpening(message) { return .fail("The message still has unfilled {{placeholders}}") }
        guard message.lowercased().contains("audit") else { return .fail("Say that this action is in the audit log") }
        // The notice is the user's one chance to dispute: it must say what was done, when, and
        // which case to quote. An edited draft that drops any of them is a notice that hides it.
        let done = c.state.completedActions.compactMap { c.runbook.step($0.step)?.action?.done }
            .filter { !message.lowercased().contains($0.lowercased()) }
        if !done.isEmpty { return .fail("Say what was done: " + done.joined(separator: "; ")) }
        let day = CalendarDay(c.state.openedAt, in: c.timeZone).description
        if !message.contains(day) { return .fail("Say when: the date of the request (\(day))") }
        if !message.contains(c.state.caseID) { return .fail("Name the case (\(c.state.caseID)), so that the user can dispute it") }
        return .pass("\(message.count) characters")
    }

    /// The notice goes to every notification address the platform has on file; with none, a
    /// recovery would close with nobody told.
    static let notificationAddressesOnFile = Check(name: "notificationAddressesOnFile", label: "Notification addresses on file",
                                                   inputs: CheckInputs(facts: [FactInput(PlatformFact.notificationAddresses.rawValue)])) { c in
        let addresses = c.facts.notificationAddresses
        guard !addresses.isEmpty else {
            return .fail("The platform has no notification address for this user: the notice would reach nobody; escalate")
        }
        return .pass("To " + addresses.joined(separator: ", "))
    }
}
