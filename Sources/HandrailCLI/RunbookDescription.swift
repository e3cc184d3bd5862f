import Engine
import Runbook

/// A runbook as a person reads it (`handrail runbook show`): each step in walking order with
/// where to act, what to record, which gates stand in the way and where it leads.
/// Every string from the runbook passes through `SafeText`, since a runbook is data.
struct RunbookDescription {
    let runbook: Runbook
    let width: Int

    func render() -> String {
        var out: [String] = []
        out.append("\(safe(runbook.title))  (\(safe(runbook.id)) v\(runbook.version))")
        if !runbook.summary.isEmpty { out += wrap(runbook.summary, indent: "") }
        out.append("")
        let s = runbook.settings
        out.append("Settings")
        out.append("  verification valid for \(s.verificationValidityMinutes) min; enrolment deadline \(s.enrolmentDeadlineHours) h")
        out.append("  unusual activity: \(s.unusualActivity.failedSignInThreshold)+ failed sign-ins in \(s.unusualActivity.windowHours) h from addresses not seen in \(s.unusualActivity.lookbackDays) days")
        out.append("  admin backup codes expire after \(s.backupCodeExpiryMinutes) min; temporary passwords after \(s.temporaryPasswordExpiryHours) h")
        out.append("  reasons need at least \(s.minimumReasonLength) characters")
        out.append("  a call-back number must have been on the account before today and for at least \(s.callbackMinimumAgeHours) h")
        out.append("  a person's refused, escalated or incident cases in the last \(s.priorRefusalLookBackDays) days stop a new case until a senior clears them")
        if !runbook.refusalSignals.isEmpty {
            out.append("")
            out.append("Refusal signals (refuse and escalate to a senior admin)")
            for signal in runbook.refusalSignals {
                let source = signal.source == .platform ? " [reported by the platform]" : ""
                out.append("  \(safe(signal.id)): \(safe(signal.label))\(source)")
            }
        }
        let walk = runbook.stepsInWalkOrder
        let numbered = walk.filter { !$0.terminal } + walk.filter(\.terminal)
        for (i, step) in numbered.enumerated() {
            out.append("")
            out += describe(step, number: i + 1, numbering: numbered)
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func describe(_ step: Step, number: Int, numbering: [Step]) -> [String] {
        var out: [String] = []
        let marker = step.terminal ? "END" : "\(number)."
        var heading = "\(marker) \(safe(step.title))  [\(safe(step.id))]"
        if step.id == runbook.start { heading += "  (start)" }
        if step.id == runbook.incidentEntry { heading += "  (incident entry)" }
        out.append(heading)
        if step.terminal {
            out.append("   Closes the case: \(safe(step.outcome ?? "closed"))")
            if !step.guidance.isEmpty { out += wrap(step.guidance, indent: "   ") }
            return out
        }
        if let path = step.consolePath { out.append("   Console: \(safe(path))") }
        if !step.guidance.isEmpty { out += wrap(step.guidance, indent: "   ") }
        if !step.fields.isEmpty {
            out.append("   Fields")
            for field in step.fields {
                var line = "     \(safe(field.id)) (\(field.kind.rawValue)\(field.required ? "" : ", optional")): \(safe(field.label))"
                if let when = field.when { line += "  [when \(describe(when))]" }
                if field.mustConfirm { line += "  [must be yes]" }
                if field.confirmsSubject { line += "  [must equal the user's email]" }
                if let prefill = field.prefill { line += "  [pre-filled from the \(safe(prefill)) template]" }
                out.append(line)
                for option in field.options {
                    if option.acceptable {
                        out.append("         \(safe(option.value)): \(safe(option.label))")
                    } else {
                        out.append("         \(safe(option.value)): \(safe(option.label))  NOT ACCEPTABLE")
                        out += wrap("why: " + (option.refusal ?? ""), indent: "           ")
                    }
                }
            }
        }
        if let awaited = step.awaits { out.append("   Waits for: \(safe(awaited)) (the case shows as overdue after \(runbook.settings.enrolmentDeadlineHours) h)") }
        if !step.checks.isEmpty {
            out.append("   Gates")
            for reference in step.checks {
                let label = CheckCatalog.check(named: reference.name)?.label ?? reference.name
                var line = "     \(label) (\(safe(reference.name)))"
                if let event = reference.onRefusal { line += "; a refusal records \(safe(event))" }
                out.append(line)
            }
        }
        if let action = step.action {
            out.append("   Action: \(safe(action.name)); records \(safe(EventCodec.Name.requested(action.event))) then \(safe(action.event))")
        } else {
            out.append("   Records: \(safe(step.completionEvent))")
        }
        out.append("   Next")
        for transition in step.transitions {
            let target = numbering.firstIndex { $0.id == transition.to }.map { i in numbering[i].terminal ? "END" : "\(i + 1)." } ?? "?"
            let condition = transition.when.map { "when \(describe($0))" } ?? (step.transitions.count > 1 ? "otherwise" : "always")
            var line = "     → \(target) \(safe(transition.to)) \(condition)"
            if let label = transition.label { line += ": \(safe(label))" }
            out.append(line)
        }
        return out
    }

    private func describe(_ condition: Condition) -> String {
        switch condition {
        case .all(let list): return list.map(describe).joined(separator: " and ")
        case .any(let list): return "(" + list.map(describe).joined(separator: " or ") + ")"
        case .not(let inner): return "not (\(describe(inner)))"
        case .field(let name, let comparison): return "\(safe(name)) \(describe(comparison))"
        case .fact(let name, let comparison): return "\(safe(name)) \(describe(comparison))"
        }
    }

    private func describe(_ comparison: Comparison) -> String {
        switch comparison {
        case .equals(let v): return "= \(safe(v.canonicalText))"
        case .notEquals(let v): return "≠ \(safe(v.canonicalText))"
        case .oneOf(let list): return "in \(safe(list.map(\.canonicalText).joined(separator: ", ")))"
        case .greaterThan(let n): return "> \(JSONValue.number(n).canonicalText)"
        case .lessThan(let n): return "< \(JSONValue.number(n).canonicalText)"
        case .present: return "is given"
        }
    }

    private func safe(_ text: String) -> String { SafeText.visible(text) }

    /// Word-wraps `text` (paragraphs split on newlines) to the description's width.
    private func wrap(_ text: String, indent: String) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = indent
            for word in SafeText.visible(String(paragraph)).split(separator: " ") {
                if line.count > indent.count && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = indent
                }
                line += (line.count > indent.count ? " " : "") + word
            }
            lines.append(line)
        }
        return lines
    }
}
