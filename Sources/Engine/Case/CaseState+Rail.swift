import Runbook

extension CaseState {
    /// The steps a rail shows for this case: the path taken, the current step, and the steps
    /// still reachable from it (the incident path only once an incident is declared), in the
    /// runbook's walking order. One answer for the wizard and for `case show`.
    public func railSteps(in runbook: Runbook) -> [Step] {
        let visited = Set(completedSteps + [currentStep])
        let incidentPath = runbook.stepsReachable(from: runbook.incidentEntry)
        let ahead = runbook.stepsReachable(from: currentStep)
        return runbook.stepsInWalkOrder.filter { step in
            if visited.contains(step.id) { return true }
            if step.terminal { return false }
            if incidentPath.contains(step.id) && !incidentDeclared { return false }
            return ahead.contains(step.id)
        }
    }
}
