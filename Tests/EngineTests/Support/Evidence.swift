/// Values for the verify-identity form, one builder per method, each complete and valid
/// unless the test overrides a field: a refusing test changes one piece of evidence only.
enum Evidence {
    /// The support ticket for the call, quoted in the reset reason.
    static let reference = "SUP-1234"
    static let managerEmail = "maria.lopez@example.com"

    static func video(reference: String = reference) -> [String: String] {
        ["method": "video", "compared_against": "hr_photo", "video_match": "yes", "reference": reference]
    }

    /// A call-back to `number`; `callerNumber` is the number the caller offered, if any.
    static func callback(number: String = Subject.numberOnFile, callerNumber: String? = nil,
                         reference: String = reference) -> [String: String] {
        var values = ["method": "callback", "callback_number": number, "callback_confirmed": "yes", "reference": reference]
        if let callerNumber { values["caller_number"] = callerNumber }
        return values
    }

    static func ticket(openedBy opener: String = managerEmail, reference: String = reference) -> [String: String] {
        ["method": "ticket", "vouching_ticket": "HR-5521", "ticket_opened_by": opener, "ticket_opener_role": "manager",
         "reference": reference]
    }

    static func federated(reference: String = reference) -> [String: String] {
        ["method": "federated", "federated_signin_seen": "yes", "reference": reference]
    }

    /// An unacceptable method with evidence an operator might type anyway; the method alone must refuse it.
    static func unacceptable(_ method: String) -> [String: String] {
        ["method": method, "reference": reference]
    }
}
