import Engine
import Foundation
import Store

/// `handrail operator add LOGIN --role R` and `operator list`: the roster mapping OS logins to roles.
enum OperatorCommandLine {
    static func run(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        let role = args.takeOption("--role")
        guard let sub = args.next() else {
            out.error("handrail operator: say add LOGIN --role ROLE, or list\n\n" + HelpText.operators)
            return .usage
        }
        let env: HandrailEnvironment
        switch HandrailEnvironment.resolve(options: options, context: context, command: "operator \(sub)") {
        case .success(let resolved): env = resolved
        case .failure(let reported): return reported.code
        }
        do {
            switch sub {
            case "list":
                let rows = [["LOGIN", "ROLE", "ADDED BY", "ADDED"]] + (try env.store.operators()).map {
                    [SafeText.visible($0.login), $0.role.rawValue, SafeText.visible($0.addedBy), EventTime.format($0.addedAt)]
                }
                out.print(TextTable.render(rows))
                return .ok
            case "add", "set", "remove":
                guard let login = args.next(), !login.isEmpty else {
                    out.error("handrail operator \(sub): whose login? handrail operator \(sub) LOGIN\(sub == "remove" ? "" : " --role agent")")
                    return .usage
                }
                var newRole: Role?
                if sub != "remove" {
                    guard let roleName = role, let parsed = Role(rawValue: roleName) else {
                        out.error("handrail operator \(sub): --role is one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                        return .usage
                    }
                    newRole = parsed
                }
                guard OperatorLogin.isValid(login) else {
                    out.error("handrail operator \(sub): \"\(SafeText.visible(login))\" is not a login name (\(OperatorLogin.rule))")
                    return .usage
                }
                guard env.role == .senior else {
                    out.error("handrail operator \(sub): only a senior admin may change the roster; \(SafeText.visible(env.login)) is \(env.role?.rawValue ?? "not on it")")
                    return .notPermitted
                }
                guard login != env.login else {
                    out.error("handrail operator \(sub): nobody changes their own role; ask another senior admin")
                    return .notPermitted
                }
                let current = try env.store.role(of: login)
                let seniors = try env.store.operators().filter { $0.role == .senior }.count
                if newRole == .senior, current != .senior, seniors >= 2 {
                    // Two seniors: one requests, another approves. (A database with one senior
                    // has nobody to approve: that senior's promotion is recorded as theirs alone.)
                    if let requester = try env.store.pendingPromotion(of: login), requester != env.login {
                        try env.store.changeOperator(login, to: .senior, by: env.login, at: env.now, reason: "promotion requested by \(requester)")
                        // A roster change is anchored before it is reported done.
                        for warning in env.anchor?.anchorNow().warnings ?? [] { out.error(SafeText.visible(warning)) }
                        out.print("\(SafeText.visible(login)) is now senior (requested by \(SafeText.visible(requester)), approved by \(SafeText.visible(env.login))).")
                        return .ok
                    }
                    if try env.store.pendingPromotion(of: login) == env.login {
                        out.error("handrail operator \(sub): you already asked for \(SafeText.visible(login)) to become senior; another senior admin must approve it")
                        return .notPermitted
                    }
                    try env.store.appendDeskEvent(CaseEvent(.promotionRequested(login: login), caseID: HandrailStore.rosterCaseID, subject: login,
                                                            actor: env.login, time: env.now))
                    out.print("Requested: \(SafeText.visible(login)) to become senior. Another senior admin approves with: handrail operator set \(SafeText.visible(login)) --role senior")
                    return .ok
                }
                if sub == "remove", current == nil {
                    out.error("handrail operator remove: \(SafeText.visible(login)) is not on the roster")
                    return .usage
                }
                try env.store.changeOperator(login, to: newRole, by: env.login, at: env.now, reason: nil)
                // A roster change is anchored before it is reported done.
                for warning in env.anchor?.anchorNow().warnings ?? [] { out.error(SafeText.visible(warning)) }
                out.print(newRole.map { "\(SafeText.visible(login)) is now \($0.rawValue)." } ?? "\(SafeText.visible(login)) removed from the roster.")
                return .ok
            default:
                out.error("handrail operator: unknown subcommand \"\(SafeText.visible(sub))\"\n\n" + HelpText.operators)
                return .usage
            }
        } catch {
            out.error("handrail: \(SafeText.visible(error.description))")
            return StoreErrorMapping.exitCode(error)
        }
    }
}
