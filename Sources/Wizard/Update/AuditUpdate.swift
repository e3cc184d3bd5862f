import Engine
import Foundation
import Casework
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
            model.modal = Modal(kind: .export(format: "csv"), input: "handrail-audit.csv")
        case .function(3):
            model.modal = Modal(kind: .export(format: "json"), input: "handrail-audit.json")
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
            let t = audit.text(f).trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }
        return AuditFilter(eventTypes: value(.event).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? [],
                           actor: value(.actor), subject: value(.subject)?.lowercased(), caseID: value(.caseID),
                           since: value(.since).flatMap(date), until: value(.until).flatMap(date))
    }

    static func date(_ text: String) -> Date? {
        if CalendarDay(parsing: text) != nil { return EventTime.parseLenient(text + "T00:00") }
        return EventTime.parseLenient(text)
    }

    static func problem(_ audit: AuditModel) -> String? {
        for field in [AuditModel.FilterField.since, .until] {
            let text = audit.text(field).trimmingCharacters(in: .whitespaces)
            if !text.isEmpty && date(text) == nil { return "\(field.label): write YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)" }
        }
        return nil
    }
}
