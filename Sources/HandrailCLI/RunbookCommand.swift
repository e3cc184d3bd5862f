import Engine
import Foundation
import Runbook

/// `handrail runbook list | show ID | check FILE...`.
enum RunbookCommand {
    static func run(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        guard let sub = args.next() else {
            out.error("handrail runbook: say list, show ID or check FILE...\n\n" + HelpText.runbook)
            return .usage
        }
        if let unknown = args.unknownOption {
            out.error("handrail runbook \(sub): unknown option \(SafeText.visible(unknown))")
            return .usage
        }
        switch sub {
        case "list": return list(context: context)
        case "show":
            guard let id = args.next() else {
                out.error("handrail runbook show: which runbook? e.g. handrail runbook show mfa-recovery")
                return .usage
            }
            return show(id: id, context: context)
        case "check":
            var files: [String] = []
            while let file = args.next() { files.append(file) }
            guard !files.isEmpty else {
                out.error("handrail runbook check: name one or more runbook files, e.g. Runbooks/mfa-recovery.json5")
                return .usage
            }
            return check(files: files, context: context)
        case "help", "--help":
            out.print(HelpText.runbook)
            return .ok
        default:
            out.error("handrail runbook: unknown subcommand \"\(SafeText.visible(sub))\"\n\n" + HelpText.runbook)
            return .usage
        }
    }

    static func check(files: [String], context: CommandContext) -> ExitCode {
        let out = context.output
        var worst = ExitCode.ok
        var ids: [String: String] = [:]
        for file in expandingFolders(files, context: context, worst: &worst) {
            let url = URL(fileURLWithPath: file)
            let shown = SafeText.visible(file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                out.error("\(shown): no such file")
                worst = .usage
                continue
            }
            switch RunbookLibrary.load(file: url) {
            case .success(let runbook):
                // Two files with one id: a case could run on either, so neither is accepted.
                if let other = ids[runbook.id] {
                    out.print("\(shown): duplicate runbook id \"\(SafeText.visible(runbook.id))\": \(SafeText.visible(other)) declares it too")
                    if worst == .ok { worst = .refused }
                    continue
                }
                ids[runbook.id] = file
                out.print("\(shown): ok: \(SafeText.visible(runbook.id)) v\(runbook.version), \(runbook.steps.count) steps")
            case .failure(.invalid(_, let problems)):
                for problem in problems { out.print(SafeText.visible(problem.formatted(file: file))) }
                out.print("\(shown): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
                if worst == .ok { worst = .refused }
            case .failure(.unreadable(_, let why)):
                out.error("\(shown): \(why)")
                if worst == .ok { worst = .refused }
            case .failure(.notFound), .failure(.duplicateID):
                worst = .internalError
            }
        }
        return worst
    }

    /// A folder named on the command line stands for the `.json5` files directly in it, in name
    /// order (as the runbook library reads a folder; training scenarios in a sub-folder are not
    /// runbooks). A folder with none is a usage error, said as such.
    static func expandingFolders(_ arguments: [String], context: CommandContext, worst: inout ExitCode) -> [String] {
        var files: [String] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(argument)
                continue
            }
            let folder = URL(fileURLWithPath: argument)
            let inside = (try? RunbookLibrary(directory: folder).files()) ?? []
            guard !inside.isEmpty else {
                context.output.error("\(SafeText.visible(argument)): a folder with no .json5 runbook files in it")
                worst = .usage
                continue
            }
            let prefix = argument.hasSuffix("/") ? argument : argument + "/"
            files += inside.map { prefix + $0.lastPathComponent }
        }
        return files
    }

    static func list(context: CommandContext) -> ExitCode {
        let out = context.output
        guard let library = context.runbookLibrary() else { return noLibrary(context) }
        let all: [(URL, Result<Runbook, RunbookLibrary.LoadError>)]
        do { all = try library.loadAll() } catch {
            // The folder named (--runbooks, HANDRAIL_RUNBOOKS) is not there or not a folder: the
            // operator's setting, like a folder not found at all (exit 2), not a fault of Handrail's.
            out.error("handrail: cannot read the runbook folder \(SafeText.visible(library.directory.path)): \(error.localizedDescription)")
            return (error as? RunbookLibrary.FolderUnreadable)?.isTheSettings == true ? .usage : .internalError
        }
        if all.isEmpty { out.print("No runbooks in \(SafeText.visible(library.directory.path))") }
        var rows: [[String]] = [["ID", "VERSION", "STEPS", "TITLE"]]
        var broken: [String] = []
        for (url, result) in all {
            switch result {
            case .success(let r): rows.append([r.id, "v\(r.version)", "\(r.steps.count)", r.title].map { SafeText.visible($0) })
            case .failure: broken.append(url.lastPathComponent)
            }
        }
        out.print(TextTable.render(rows))
        for name in broken {
            out.print("\(SafeText.visible(name)): has problems; run handrail runbook check \(SafeText.visible(library.directory.appendingPathComponent(name).path))")
        }
        return broken.isEmpty ? .ok : .refused
    }

    static func show(id: String, context: CommandContext) -> ExitCode {
        let out = context.output
        guard let library = context.runbookLibrary() else { return noLibrary(context) }
        do {
            switch try library.runbook(id: id) {
            case .success(let runbook):
                let width = Int(context.environment["COLUMNS"] ?? "") ?? 80
                out.print(RunbookDescription(runbook: runbook, width: max(40, min(width, 120))).render())
                return .ok
            case .failure(.notFound(_, let available)):
                out.error("handrail runbook show: no runbook \"\(SafeText.visible(id))\"; available: \(available.map { SafeText.visible($0) }.joined(separator: ", "))")
                return .usage
            case .failure(.invalid(let url, let problems)):
                out.error("handrail runbook show: \(SafeText.visible(url.path)) has \(problems.count) problem(s); run handrail runbook check on it")
                return .refused
            case .failure(.unreadable(let url, let why)):
                out.error("\(SafeText.visible(url.path)): \(why)")
                return .internalError
            case .failure(.duplicateID(let id, let files)):
                out.error("handrail runbook show: runbook id \"\(SafeText.visible(id))\" is declared by \(files.map { SafeText.visible($0.lastPathComponent) }.joined(separator: " and ")); remove one")
                return .refused
            }
        } catch {
            out.error("handrail: cannot read the runbook folder: \(error.localizedDescription)")
            return .internalError
        }
    }

    private static func noLibrary(_ context: CommandContext) -> ExitCode {
        context.output.error("handrail: no Runbooks folder found. Pass --runbooks DIR or set HANDRAIL_RUNBOOKS.")
        return .usage
    }
}
