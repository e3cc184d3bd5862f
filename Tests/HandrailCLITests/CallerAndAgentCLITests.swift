import Foundation
import HandrailTestSupport
import XCTest

/// A determined caller and a careless or dishonest agent, through the real binary on
/// ManualConsole with several operators (`HANDRAIL_LOGIN`, unlocked): each attack refused with its
/// documented exit code, next to the honest path.
final class CallerAndAgentCLITests: XCTestCase {
    private var handrail: HandrailProcess!
    private let subject = "sam@example.com"

    override func setUpWithError() throws {
        handrail = try HandrailProcess(login: "alice")
        // The first command on a new database makes alice its senior admin.
        // A second senior is added by one senior and confirmed by another.
        for (login, role, by) in [("aaron", "agent", "alice"), ("amy", "agent", "alice"), ("bob", "senior", "alice"),
                                  ("carol", "senior", "alice"), ("carol", "senior", "bob")] {
            let run = try handrail.run(["operator", "add", login, "--role", role], as: by)
            XCTAssertEqual(run.status, 0, "\(run)")
        }
    }

    override func tearDown() {
        handrail = nil
    }

    // MARK: - 3. A vouching ticket from someone other than the manager on record

    private func ticket(openedBy opener: String) -> [String] {
        ["verify_identity", "method=ticket", "vouching_ticket=HR-55", "ticket_opened_by=\(opener)", "ticket_opener_role=manager",
         "reference=INC-3003"]
    }

    func testATicketFromSomeoneOtherThanTheManagerOnRecordIsShownAsAWarning() throws {
        try handrail.configure(#"{ organisationDomains: ["example.com"] }"#)
        let c = try ManualCase.open(handrail, subject: subject, as: "aaron")
        try c.typeOrdinaryFacts(extra: ["manager=maria.lopez@example.com"], as: "aaron")
        let run = try c.act(ticket(openedBy: "tom.other@example.com"), as: "aaron")
        XCTAssertTrue(run.err.contains("! Ticket opened by the user's manager: Ticket opened by tom.other@example.com, not the user's manager "
                                       + "maria.lopez@example.com"), "\(run)")
        XCTAssertEqual(try c.show()["step"] as? String, "check_backup_codes")
    }

    func testATicketFromSomeoneOtherThanTheManagerIsRefusedForAPrivilegedAccount() throws {
        try handrail.configure(#"{ organisationDomains: ["example.com"] }"#)
        let c = try ManualCase.open(handrail, subject: subject, as: "aaron")
        try c.typeOrdinaryFacts(privileged: true, extra: ["manager=maria.lopez@example.com"], as: "aaron")
        let refused = try c.act(ticket(openedBy: "tom.other@example.com"), as: "aaron", expect: 3)
        XCTAssertTrue(refused.err.contains("vouched for by its manager only"), "\(refused)")
        // Retyping the manager as whoever opened the ticket is a fact changed after a refusal.
        let retyped = try c.facts(["manager=tom.other@example.com"], as: "aaron", expect: 3)
        XCTAssertTrue(retyped.err.contains("manager was maria.lopez@example.com when a gate refused"), "\(retyped)")
        // The honest path: the manager on record opened the ticket; no warning.
        let run = try c.act(ticket(openedBy: "maria.lopez@example.com"), as: "aaron")
        XCTAssertFalse(run.err.contains("!"), "\(run)")
    }

    // MARK: - 4. Caller shopping

    func testASecondCaseForThePersonIsRefusedNamingTheOpenCaseAndWhoHoldsIt() throws {
        let first = try ManualCase.open(handrail, subject: subject, as: "aaron")
        let second = try handrail.run(["case", "open", "--subject", subject], as: "amy")
        XCTAssertEqual(second.status, 3, "\(second)")
        XCTAssertTrue(second.err.contains("already has an open case, \(first.id) (open, held by aaron)"), "\(second)")
        XCTAssertEqual(second.out, "", "no case id printed")
        let listed = try handrail.run(["case", "list", "--subject", subject])
        XCTAssertEqual(listed.out.components(separatedBy: "HR-").count - 1, 1, "\(listed)")
        // The honest path: another person's case opens.
        _ = try ManualCase.open(handrail, subject: "rae@example.com", as: "amy")
    }

    func testAfterAnUpheldRefusalTheNextCaseIsStoppedUntilASeniorClearsIt() throws {
        let refused = try ManualCase.open(handrail, subject: subject, as: "aaron")
        try refused.typeOrdinaryFacts(as: "aaron")
        try refused.act(["refuse", "pressure", "--reason", "Caller insisted it was urgent and named the CEO"], as: "aaron")
        try refused.act(["uphold", "--reason", "The refusal stands: classic pressure"], as: "bob")
        try refused.assertEnded(step: "verify_identity", outcome: "refused")

        // Ten minutes later the same caller rings again and reaches another agent.
        handrail.clock.advance(by: 600)
        let again = try ManualCase.open(handrail, subject: subject, as: "amy")
        XCTAssertEqual(try again.eventTypes(), ["case.opened", "case.prior_cases_found"])
        let shown = try handrail.run(["case", "show", again.id], as: "amy")
        XCTAssertTrue(shown.out.contains("✗ No refusal signal raised"), "\(shown)")
        XCTAssertTrue(shown.out.contains(refused.id), "\(shown)")
        try again.typeOrdinaryFacts(as: "amy")
        let stopped = try again.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-1001"],
                                    as: "amy", expect: 3)
        XCTAssertTrue(stopped.err.contains("Refused, escalated or incident cases for this user in the last 30 days: \(refused.id)"), "\(stopped)")
        // The agent cannot clear it; a senior can, with a reason, without taking the agent's case.
        let agent = try again.act(["clear-prior", "--reason", "The caller sounds genuine this time"], as: "amy", expect: 4)
        XCTAssertTrue(agent.err.contains("Only a senior admin"), "\(agent)")
        try again.act(["clear-prior", "--reason", "Read the earlier refusal: pressure; verify on video now"], as: "carol")
        try again.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-1001"], as: "amy")
        let cleared = try handrail.audit(["--event", "case.prior_cases_cleared"])
        XCTAssertEqual(cleared.map { $0["actor"] as? String }, ["carol"])
        XCTAssertEqual(try handrail.run(["audit", "verify"]).status, 0)
    }

    /// Two agents open a case for the same caller at the same moment: exactly one succeeds. Both
    /// processes are started before either is waited for, at the same instant of the fake clock.
    func testTwoAgentsOpeningACaseForOnePersonAtOnceCannotBothSucceed() throws {
        for round in 1...4 {
            let person = "racer\(round)@example.com"
            let time = handrail.clock.tick()
            let children = try ["aaron", "amy"].map { login in
                try ChildProcess(handrail.binary, ["case", "open", "--subject", person], environment: handrail.environment(login: login),
                                 directory: handrail.folder, scratch: handrail.folder, faketime: time)
            }
            let runs = try children.map { try $0.finish(timeout: HandrailProcess.timeout) }
            let report = runs.map(\.description).joined(separator: "\n")
            XCTAssertEqual(runs.filter { $0.status == 0 }.count, 1, "round \(round): \(report)")
            XCTAssertEqual(runs.filter { $0.status == 3 }.count, 1, "round \(round): \(report)")
            XCTAssertTrue(runs.contains { String(decoding: $0.stderr, as: UTF8.self).contains("already has an open case") },
                          "round \(round): \(report)")
            let listed = try handrail.run(["case", "list", "--subject", person, "--json"])
            let cases = try JSONSerialization.jsonObject(with: listed.stdout) as? [Any]
            XCTAssertEqual(cases?.count, 1, "round \(round): \(listed)")
        }
        XCTAssertEqual(try handrail.run(["audit", "verify"]).status, 0)
    }

    // MARK: - 6. The incident path and its linked case

    func testTheIncidentsRelinkIsASeniorsAndTheLinkedCaseNeedsAnApproverOutsideTheIncident() throws {
        // The reset, closed; then a senior declares the incident and an agent works it.
        let c = try ManualCase.open(handrail, subject: subject, as: "aaron")
        try c.typeOrdinaryFacts(as: "aaron")
        try c.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-1001"], as: "aaron")
        try c.act(["check_backup_codes"], as: "aaron")
        try c.act(["choose_recovery", "situation=device"], as: "aaron")
        try c.act(["force_reset", "--confirm", subject, "--attest", "Force MFA reset confirmed in the modal"], as: "aaron")
        try c.facts(["factor=totp:Attacker phone@\(handrail.clock.typed)", "enrolledfrom=seen:198.51.100.7"], as: "aaron")
        try c.act(["observe-enrolment"], as: "aaron")
        try c.facts(["notify=\(subject)", "notify=\(c.personalAddress)"], as: "aaron")
        try c.act(["follow_up", "--attest", c.noticeAttestation], as: "aaron")
        try c.release(as: "aaron")
        try c.act(["incident", "--reason", "The real Sam called from the office: they never asked for a reset"], as: "carol")
        try c.release(as: "carol")
        try c.act(["incident_suspend", "--confirm", subject, "--reason", "The reset went to an attacker; cutting them off",
                   "--attest", "Disabled the user in Users"], as: "aaron")
        try c.act(["incident_notify", "channel=hr_phone", "notified=yes"], as: "aaron")
        try c.act(["incident_record", "what_happened=Reset granted to a caller impersonating Sam",
                   "how_discovered=The real user called the desk", "security_ticket=SEC-77"], as: "aaron")
        // The agent cannot open the linked case that leads to lifting the suspension.
        let agent = try c.act(["incident_relink", "handover=yes"], as: "aaron", expect: 3)
        XCTAssertTrue(agent.err.contains("Only a senior admin may do this step"), "\(agent)")
        try c.release(as: "aaron")
        let relink = try c.act(["incident_relink", "handover=yes"], as: "bob")
        let linkedID = try XCTUnwrap(relink.out.components(separatedBy: "Opened linked case ").dropFirst().first?
            .components(separatedBy: ".").first, "\(relink)")
        XCTAssertEqual(try c.show()["outcome"] as? String, "incident")

        // The linked case: the real Sam verified again; the account is suspended by the incident.
        let linked = c.linked(linkedID)
        try linked.facts(["signins=none", "suspended=yes", "codes=0", "privileged=no", "federated=none"], as: "amy")
        try linked.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=SEC-77"], as: "amy")
        try linked.act(["check_backup_codes"], as: "amy")
        try linked.act(["choose_recovery", "situation=device"], as: "amy")
        let unapproved = try linked.act(["force_reset", "--confirm", subject, "--attest", "Reset in the modal"], as: "amy", expect: 3)
        XCTAssertTrue(unapproved.err.contains("Approval by a senior outside the incident"), "\(unapproved)")
        try linked.act(["request-approval", "--reason", "Linked case of the incident: the real Sam verified on video"], as: "amy")
        // carol declared the incident: she may not approve what hands the account back (nor bob, who relinked).
        let worked = try linked.act(["approve", "--reason", "I handled the incident myself"], as: "carol", expect: 4)
        XCTAssertTrue(worked.err.contains("worked incident case \(c.id)"), "\(worked)")
        try linked.act(["approve", "--reason", "I relinked it, so I know the user"], as: "bob", expect: 4)
        try linked.act(["approve", "--reason", "Checked the video verification against the HR photo"], as: "alice")
        try linked.release(as: "alice")
        try linked.act(["force_reset", "--confirm", subject, "--attest", "Force MFA reset confirmed in the modal"], as: "amy")
        try linked.act(["set_temporary_password", "--confirm", subject, "--attest", "Temporary password set and read to the user"], as: "amy")
        XCTAssertEqual(try linked.show()["status"] as? String, "awaiting_enrolment")
        XCTAssertEqual(try handrail.run(["audit", "verify"]).status, 0)
    }

    // MARK: - 13. A typed fact a gate refused on is not retyped without a senior

    func testAnAgentRefusedOnPrivilegedYesCannotRetypeItWithoutASeniorsConfirmation() throws {
        let c = try ManualCase.open(handrail, subject: subject, as: "aaron")
        try c.typeOrdinaryFacts(privileged: true, as: "aaron")
        try c.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-1001"], as: "aaron")
        try c.act(["check_backup_codes"], as: "aaron")
        try c.act(["choose_recovery", "situation=device"], as: "aaron")
        try c.act(["force_reset", "--confirm", subject, "--attest", "Reset in the modal"], as: "aaron", expect: 3)
        let retyped = try c.facts(["privileged=no"], as: "aaron", expect: 3)
        XCTAssertTrue(retyped.err.contains("privileged was yes when a gate refused this case"), "\(retyped)")
        XCTAssertTrue(retyped.err.contains("confirm-fact"), "\(retyped)")
        try c.act(["force_reset", "--confirm", subject, "--attest", "Reset in the modal"], as: "aaron", expect: 3)
        // An agent cannot confirm; a senior who checked the console does, while aaron holds the case.
        try c.act(["confirm-fact", "privileged=no", "--reason", "Checked the roles screen"], as: "amy", expect: 4)
        try c.act(["confirm-fact", "privileged=no", "--reason", "Roles screen shows no admin role: the earlier reading was wrong"],
                  as: "carol")
        let confirmed = try XCTUnwrap(try handrail.audit(["--event", "fact.confirmed"]).first)
        XCTAssertEqual(confirmed["actor"] as? String, "carol")
        let payload = confirmed["payload"] as? [String: Any]
        XCTAssertEqual((payload?["facts"] as? [String: Any])?["privileged"] as? String, "no")
        XCTAssertEqual((payload?["previous"] as? [String: Any])?["privileged"] as? String, "yes")
        // Now exactly that value can be typed, and the reset goes ahead.
        try c.facts(["privileged=no"], as: "aaron")
        try c.act(["force_reset", "--confirm", subject, "--attest", "Force MFA reset confirmed in the modal"], as: "aaron")
    }

    func testANumberAddedTodayCannotBeRetypedAsAddedLongAgo() throws {
        let c = try ManualCase.open(handrail, subject: subject, as: "aaron")
        try c.typeOrdinaryFacts(extra: ["phone=+15550100@\(handrail.today)", "phone=+15550177@2024-03-01"], as: "aaron")
        try c.act(["verify_identity", "method=callback", "callback_number=+15550100", "callback_confirmed=yes", "reference=INC-1001"],
                  as: "aaron", expect: 3)
        let retyped = try c.facts(["phone=+15550100@2023-01-01", "phone=+15550177@2024-03-01"], as: "aaron", expect: 3)
        XCTAssertTrue(retyped.err.contains("phone was +15550100@\(handrail.today), +15550177@2024-03-01 when a gate refused"), "\(retyped)")
        // The honest path: call back the number that was on file before today.
        try c.act(["verify_identity", "method=callback", "callback_number=+15550177", "callback_confirmed=yes", "reference=INC-1001"],
                  as: "aaron")
    }

    func testSignInsAGateRefusedOnCannotBeRetypedAsNone() throws {
        let c = try ManualCase.open(handrail, subject: subject, as: "aaron")
        let recent = (1...3).map { "signins=failed:203.0.113.\($0)@\(handrail.today)T0\($0):00" }
        try c.facts(["name=Sam Example", "suspended=no", "federated=none", "codes=0", "privileged=no"] + recent, as: "aaron")
        let refused = try c.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-1001"],
                                as: "aaron", expect: 3)
        XCTAssertTrue(refused.err.contains("No unusual sign-in activity"), "\(refused)")
        try c.facts(["signins=none"], as: "aaron", expect: 3)
        // The honest path: facts no gate refused on are typed freely.
        try c.facts(["codes=0", "name=Sam Example"], as: "aaron")
    }
}
