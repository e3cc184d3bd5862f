import Casework
import Engine
import Foundation
import Runbook
import Terminal

/// Keys in the audit browser: type filters, move through the rows a page at a time, export, verify.
enum AuditUpdate {
    static func handle(_ key: Key, _ model: inout WizardModel) -> [WizardEffect] {
        var audit = model.audit
        defer { model.audit = audit }
        audit.pageSize = AuditModel.pageSize(height: model.height)
        switch key {
        case .escape:
            model.route = .queue
            return [.loadQueue]
        case .tab where audit.focus == .event && complete(&audit):
            break
        case .tab:
            audit.focus = AuditModel.FilterField(rawValue: (audit.focus.rawValue + 1) % AuditModel.FilterField.allCases.count)!
        case .backTab:
            let n = AuditModel.FilterField.allCases.count
            audit.focus = AuditModel.FilterField(rawValue: (audit.focus.rawValue + n - 1) % n)!
        case .enter:
            audit.page = 0
            if let problem = problem(audit) {
                audit.error = problem
                return []
            }
            return [load(audit)]
        case .down where audit.selected < audit.rows.count - 1:
            audit.selected += 1
        case .up where audit.selected > 0:
            audit.selected -= 1
        case .pageDown where audit.hasMore, .down where audit.hasMore:
            audit.page += 1
            return [load(audit)]
        case .pageUp where audit.page > 0, .up where audit.page > 0:
            audit.page -= 1
            return [load(audit)]
        // Function keys only: the filters are text fields, where ^E is end-of-line. The dialog
        // switches between CSV and JSON.
        case .function(2):
            model.modal = Modal(kind: .export(format: "csv"), input: defaultExport(audit, format: "csv"))
        case .function(3):
            model.modal = Modal(kind: .export(format: "json"), input: defaultExport(audit, format: "json"))
        case .control("v"), .function(4):
            audit.verifyProgress = 0
            audit.verifyResult = nil
            return [.verifyAudit]
        default:
            var input = audit.filters[audit.focus] ?? TextInput()
            if input.handle(key) { audit.filters[audit.focus] = input }
        }
        return []
    }

    static func load(_ audit: AuditModel) -> WizardEffect {
        .loadAudit(filter(audit), page: audit.page, pageSize: audit.pageSize)
    }

    static func filter(_ audit: AuditModel) -> AuditFilter {
        func value(_ f: AuditModel.FilterField) -> String? {
            let t = audit.text(f).trimmingBlanks()
            return t.isEmpty ? nil : t
        }
        // A known type typed whole is that type; any other term finds every type containing it
        // ("reset" finds the resets and their requests and failures).
        let known = Set(audit.knownTypes)
        let terms = audit.eventTerms
        var filter = AuditFilter(eventTypes: terms.filter(known.contains), actor: value(.actor), subject: value(.subject)?.lowercased(),
                                 caseID: value(.caseID), since: value(.since).flatMap(date), until: value(.until).flatMap(date))
        filter.eventTypeFragments = terms.filter { !known.contains($0) }.map { $0.lowercased() }
        return filter
    }

    /// Tab in the Event filter completes its last term, as a shell does: to the longest
    /// beginning shared by every known type containing it (the one type, if only one does), or
    /// failing that by every type starting with it. False when there is nothing to complete
    /// (Tab then moves to the next filter).
    static func complete(_ audit: inout AuditModel) -> Bool {
        let text = audit.text(.event)
        guard let last = audit.eventTerms.last, text.hasSuffix(last), !audit.knownTypes.contains(last) else { return false }
        let needle = last.lowercased()
        func common(_ names: [String]) -> String? {
            guard let first = names.first else { return nil }
            let shared = names.dropFirst().reduce(first) { prefix, name in String(zip(prefix, name).prefix { $0 == $1 }.map(\.0)) }
            return shared.count > last.count && shared.lowercased().contains(needle) ? shared : nil
        }
        let containing = audit.types(matching: last)
        guard let completion = common(containing) ?? common(containing.filter { $0.lowercased().hasPrefix(needle) }) else { return false }
        audit.filters[.event] = TextInput(String(text.dropLast(last.count)) + completion)
        return true
    }

    /// The export dialog's first suggestion: a name that says what was filtered, in the export folder.
    static func defaultExport(_ audit: AuditModel, format: String) -> String {
        var name = "handrail-audit"
        for field in [AuditModel.FilterField.caseID, .subject, .actor] {
            let text = audit.text(field).trimmingBlanks()
            let safe = String(text.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.@".unicodeScalars.contains($0)) })
            if !safe.isEmpty { name += "-" + safe.prefix(40) }
        }
        return (audit.exportFolder.isEmpty ? "" : audit.exportFolder + "/") + name + "." + format
    }

    /// The path an export goes to: `~` is the home folder; a name without a folder is in the export folder.
    static func exportPath(_ typed: String, folder: String) -> String {
        let text = typed.trimmingBlanks()
        if text.hasPrefix("/") || folder.isEmpty { return text }
        if text.hasPrefix("~/") { return NSString(string: text).expandingTildeInPath }
        return folder + "/" + text
    }

    static func date(_ text: String) -> Date? {
        if CalendarDay(parsing: text) != nil { return EventTime.parseLenient(text + "T00:00") }
        return EventTime.parseLenient(text)
    }

    static func problem(_ audit: AuditModel) -> String? {
        for field in [AuditModel.FilterField.since, .until] {
            let text = audit.text(field).trimmingBlanks()
            if !text.isEmpty && date(text) == nil { return "\(field.label): write YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)" }
        }
        return nil
    }
}
