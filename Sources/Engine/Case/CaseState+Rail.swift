import Runbook

extension CaseState {
    /// The steps a rail shows for this case, in the order the case meets them: the path taken
    /// (each step where it was first completed), the current step, then the steps still
    /// reachable from it in the runbook's walking order (the incident path only once an
    /// incident is declared). A branch not taken and steps behind the case are not listed, and
    /// the current step is never drawn ahead of the path that led to it. One answer for the
    /// wizard and for `case show`.
    public func railSteps(in runbook: Runbook) -> [Step] {
        var ids: [String] = []
        for id in completedSteps where id != currentStep && !ids.contains(id) { ids.append(id) }
        ids.append(currentStep)
        let incidentPath = runbook.stepsReachable(from: runbook.incidentEntry)
        let ahead = runbook.stepsReachable(from: currentStep)
        for step in runbook.stepsInWalkOrder where !ids.contains(step.id) && !step.terminal && ahead.contains(step.id) {
            if incidentPath.contains(step.id) && !incidentDeclared { continue }
            ids.append(step.id)
        }
        return ids.compactMap(runbook.step)
    }
}
