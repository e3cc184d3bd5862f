/// Who may not be the second person on a case: four eyes are only four if the approver did not
/// also verify the caller, open the case, ask for the approval or carry out the action.
public enum ApprovalRules {
    /// What `approver` already is on the case, if anything that rules them out; nil when they may approve.
    public static func conflict(approver: String, state: CaseState, performer: String?) -> String? {
        let who = approver.lowercased()
        if let performer, performer.lowercased() == who { return "the operator performing the action" }
        if state.verification?.by.lowercased() == who { return "the operator who verified the caller" }
        if state.openedBy.lowercased() == who { return "the operator who opened the case" }
        if state.approval?.requestedBy.lowercased() == who { return "the operator who requested the approval" }
        if state.incidentWorkers.contains(where: { $0.lowercased() == who }) {
            return "an operator who worked incident case \(state.linkedFrom ?? "?")"
        }
        return nil
    }
}
