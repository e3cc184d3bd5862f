import Engine
import Foundation
import LocalTenant
import Store

/// `handrail directory list | show EMAIL | seed | simulate EMAIL signin|enrol|inbox …`: the LocalDirectory
/// tenant, and the user's side of a recovery acted out on it.
enum DirectoryCommandLine {
    static func run(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        let password = args.takeOption("--password")
        let code = args.takeOption("--code")
        let newPassword = args.takeOption("--new-password")
        let address = args.takeOption("--address") ?? "198.51.100.20"
        let enrolFrom = args.takeOption("--from")
        guard let sub = args.next() else {
            out.error("handrail directory: say list, show EMAIL, seed or simulate\n\n" + HelpText.directory)
            return .usage
        }
        if let unknown = args.unknownOption {
            out.error("handrail directory: unknown option \(SafeText.visible(unknown))")
            return .usage
        }
        let config = context.config
        let databasePath = HandrailEnvironment.databasePath(options: options, environment: context.environment, config: context.config)
        let path = PlatformChoice.directoryPath(context: context, config: config, databasePath: databasePath)
        let store: DirectoryStore
        let now = context.clock()
        do { store = try PlatformChoice.openDirectory(path, output: out, now: now) } catch {
            guard case .failed(let code, let message) = error else { return .internalError }
            out.error(message)
            return code
        }
        do {
            switch sub {
            case "list":
                var rows = [["EMAIL", "NAME", "ADMIN", "SUSPENDED", "FACTORS", "CODES LEFT", "DEMO: SHOWS"]]
                for user in try store.users() {
                    let codes = try store.backupCodes(user.email).filter { $0.usedAt == nil && ($0.expiresAt.map { $0 > now } ?? true) }.count
                    rows.append([user.email, user.displayName, user.privileged ? "yes" : "", user.suspended ? "yes" : "",
                                 String(try store.factors(user.email).count), String(codes), user.demoNote ?? ""].map { SafeText.visible($0) })
                }
                out.print(TextTable.render(rows))
                if rows.count > 1, (try store.users()).contains(where: { $0.demoNote != nil }) {
                    out.print("\nDEMO tenant \(SafeText.visible(path)); every demo user's password is \(DemoTenant.password).")
                }
            case "show":
                guard let email = args.next() else { out.error("handrail directory show: whose? handrail directory show EMAIL"); return .usage }
                guard let user = try store.user(email) else {
                    out.error("handrail directory: \(SafeText.visible(email)) is not a user of \(SafeText.visible(path))")
                    return .usage
                }
                out.print(describe(user, store: store, now: now))
            case "seed":
                try DemoTenant.seed(store, now: now)
                out.print("Demo tenant \(SafeText.visible(path)) restored: \(DemoTenant.users.count) users (handrail directory list).")
            case "simulate":
                guard let email = args.next(), let what = args.next() else {
                    out.error("handrail directory simulate: say EMAIL signin … or EMAIL enrol KIND LABEL\n\n" + HelpText.directory)
                    return .usage
                }
                let simulator = UserSimulator(store: store)
                switch what {
                case "signin":
                    guard let password else { out.error("handrail directory simulate signin: --password is required"); return .usage }
                    try simulator.signIn(email, password: password, code: code, newPassword: newPassword, address: address, now: now)
                    out.print("\(SafeText.visible(email)) signed in\(code == nil ? "" : " with a backup code")\(newPassword == nil ? "" : " and changed the temporary password").")
                case "enrol":
                    guard let kind = args.next() else { out.error("handrail directory simulate enrol: KIND (totp, webauthn) and LABEL"); return .usage }
                    var label: [String] = []
                    while let word = args.next() { label.append(word) }
                    let text = label.isEmpty ? kind : label.joined(separator: " ")
                    guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }),
                          kind.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }), text.count <= 100 else {
                        out.error("handrail directory simulate enrol: KIND is letters (totp, webauthn); LABEL is plain text of at most 100 characters")
                        return .usage
                    }
                    if let enrolFrom, enrolFrom.isEmpty || enrolFrom.count > 100
                        || enrolFrom.unicodeScalars.contains(where: { FieldValidator.isForbiddenControl($0, allowNewlines: false) || $0 == " " }) {
                        out.error("handrail directory simulate enrol: --from is an address (e.g. 203.0.113.9), without spaces or control characters")
                        return .usage
                    }
                    try simulator.enrol(email, kind: kind, label: text, from: enrolFrom, now: now)
                    let from = (try store.factors(email)).last?.enrolledFrom ?? "?"
                    out.print("\(SafeText.visible(email)) enrolled \(SafeText.visible(kind)) \"\(SafeText.visible(text))\" from \(SafeText.visible(from)).")
                case "inbox":
                    let notices = try simulator.inbox(email)
                    if notices.isEmpty { out.print("No notices sent about \(SafeText.visible(email))'s account.") }
                    for notice in notices {
                        out.print(["To: \(SafeText.visible(notice.recipient))", "Date: \(EventTime.format(notice.sentAt))",
                                   "Subject: \(SafeText.visible(notice.subject))", "",
                                   notice.body.split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.visible(String($0)) }
                                       .joined(separator: "\n"),
                                   ""].joined(separator: "\n"))
                    }
                default:
                    out.error("handrail directory simulate: unknown action \"\(SafeText.visible(what))\"; signin, enrol or inbox")
                    return .usage
                }
            default:
                out.error("handrail directory: unknown subcommand \"\(SafeText.visible(sub))\"\n\n" + HelpText.directory)
                return .usage
            }
            return .ok
        } catch {
            return FailureReport.report(error, command: "directory", to: out)
        }
    }

    static func describe(_ user: DirectoryUser, store: DirectoryStore, now: Date) -> String {
        let s: (String) -> String = { SafeText.visible($0) }
        var lines = ["\(s(user.displayName)) <\(s(user.email))>"]
        if let note = user.demoNote { lines.append("Demo: \(s(note))") }
        lines.append("Tenant admin: \(user.privileged ? "yes" : "no")   Suspended: \(user.suspended ? "yes" : "no")")
        if user.passwordMustChange {
            lines.append("Temporary password set; must be changed at first sign-in\(user.passwordExpiresAt.map { "; expires \(EventTime.format($0))" } ?? "")")
        }
        let factors = (try? store.factors(user.email)) ?? []
        lines.append("Factors: " + (factors.isEmpty ? "none" : factors.map { factor in
            "\(s(factor.kind)) \"\(s(factor.label))\" enrolled \(EventTime.format(factor.enrolledAt))" + (factor.enrolledFrom.map { " from \(s($0))" } ?? "")
        }.joined(separator: "; ")))
        let notify = (try? store.notificationAddresses(user.email)) ?? []
        lines.append("Notices go to: " + notify.map(s).joined(separator: ", "))
        let codes = (try? store.backupCodes(user.email)) ?? []
        let left = codes.filter { $0.usedAt == nil && ($0.expiresAt.map { $0 > now } ?? true) }
        lines.append("Backup codes: \(left.count) remaining of \(codes.count)")
        let phones = (try? store.phoneNumbers(user.email)) ?? []
        lines.append("Phone numbers: " + (phones.isEmpty ? "none" : phones.map { "\(s($0.number)) added \(EventTime.format($0.addedAt))" }.joined(separator: "; ")))
        let links = (try? store.federatedLinks(user.email)) ?? []
        if !links.isEmpty { lines.append("Federated: " + links.map { "\(s($0.provider)) since \(EventTime.format($0.linkedAt))" }.joined(separator: "; ")) }
        let signIns = (try? store.signIns(user.email, since: now.addingTimeInterval(-30 * 86_400))) ?? []
        lines.append("Sign-ins, last 30 days:")
        for attempt in signIns.suffix(12) {
            lines.append("  \(EventTime.format(attempt.at)) \(attempt.succeeded ? "ok    " : "FAILED") \(s(attempt.address)) \(s(attempt.method))")
        }
        let events = (try? store.events(user.email)) ?? []
        if !events.isEmpty {
            lines.append("Directory events:")
            for event in events.suffix(12) { lines.append("  \(EventTime.format(event.at)) \(s(event.type)) by \(s(event.actor))") }
        }
        let outbox = (try? store.outbox(user.email)) ?? []
        if !outbox.isEmpty {
            lines.append("Outbox (notices sent; handrail directory simulate \(s(user.email)) inbox reads them):")
            for notice in outbox.suffix(12) {
                lines.append("  \(EventTime.format(notice.sentAt)) to \(s(notice.recipient)): \(s(notice.subject)) (case \(s(notice.caseID)))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
