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
        switch HandrailEnvironment.resolve(options: options, context: context, command: "operator") {
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
            case "add":
                guard let login = args.next(), !login.isEmpty else {
                    out.error("handrail operator add: whose login? handrail operator add LOGIN --role agent")
                    return .usage
                }
                guard let roleName = role, let newRole = Role(rawValue: roleName) else {
                    out.error("handrail operator add: --role is one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                    return .usage
                }
                guard OperatorLogin.isValid(login) else {
                    out.error("handrail operator add: \"\(SafeText.visible(login))\" is not a login name (\(OperatorLogin.rule))")
                    return .usage
                }
                guard env.role == .senior else {
                    out.error("handrail operator add: only a senior admin may change the roster; \(SafeText.visible(env.login)) is \(env.role?.rawValue ?? "not on it")")
                    return .notPermitted
                }
                try env.store.setOperator(login, role: newRole, by: env.login, at: env.now)
                // A roster change is anchored before it is reported done.
                for warning in env.anchor?.anchorNow().warnings ?? [] { out.error(SafeText.visible(warning)) }
                out.print("\(SafeText.visible(login)) is now \(newRole.rawValue).")
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
