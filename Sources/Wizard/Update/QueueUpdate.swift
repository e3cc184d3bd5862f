import Terminal

/// Keys on the queue: tabs, selection, search, open, new case, audit, quit.
enum QueueUpdate {
    static func handle(_ key: Key, _ model: inout WizardModel) -> [WizardEffect] {
        if model.queue.searching {
            switch key {
            case .escape:
                // Esc drops the search; Enter (or moving on) keeps it as a filter.
                model.queue.searching = false
                model.queue.search = TextInput()
                model.queue.selected = 0
                return []
            case .enter, .down, .up, .tab:
                model.queue.searching = false
                model.queue.selected = 0
                return key == .enter ? [] : handle(key, &model)
            default:
                _ = model.queue.search.handle(key)
                model.queue.selected = 0
                return []
            }
        }
        let rows = model.queue.visibleRows
        switch key {
        case .tab, .right:
            model.queue.tab = QueueModel.Tab(rawValue: (model.queue.tab.rawValue + 1) % QueueModel.Tab.allCases.count)!
            model.queue.selected = 0
        case .backTab, .left:
            let n = QueueModel.Tab.allCases.count
            model.queue.tab = QueueModel.Tab(rawValue: (model.queue.tab.rawValue + n - 1) % n)!
            model.queue.selected = 0
        case .character(let c) where ("1"..."6").contains(c):
            model.queue.tab = QueueModel.Tab(rawValue: Int(String(c))! - 1)!
            model.queue.selected = 0
        case .down, .character("j"): model.queue.selected = min(rows.count - 1, model.queue.selected + 1)
        case .up, .character("k"): model.queue.selected = max(0, model.queue.selected - 1)
        case .pageDown: model.queue.selected = min(rows.count - 1, model.queue.selected + 10)
        case .pageUp: model.queue.selected = max(0, model.queue.selected - 10)
        case .enter:
            guard rows.indices.contains(model.queue.selected) else { return [] }
            return [.openCase(rows[model.queue.selected].id)]
        case .character("/"):
            model.queue.searching = true
        case .character("n"):
            model.modal = Modal(kind: .newCase)
        case .character("t") where model.header.role == .senior:
            return [.loadTrainingResults]
        case .character("a"):
            model.route = .audit
            model.audit.pageSize = AuditModel.pageSize(height: model.height)
            return [AuditUpdate.load(model.audit)]
        case .character("g"), .control("l"):
            return [.loadQueue]
        case .character("?"):
            model.showHelp = true
        case .escape where !model.queue.search.text.isEmpty:
            model.queue.search = TextInput()
            model.queue.selected = 0
        case .escape:
            // Esc is "back", and the queue is the top screen: it never quits (q does).
            model.flash = "This is the top screen: q quits"
            model.flashIsError = false
        case .character("q"):
            model.quitting = true
            return [.quit]
        default:
            break
        }
        if model.queue.selected < 0 { model.queue.selected = 0 }
        return []
    }
}
