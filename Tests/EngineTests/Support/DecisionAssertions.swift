import XCTest
import Engine

// Assertions on the engine's decisions. Free functions in the style of XCTAssert, so the
// harness and the tests share them and a failure points at the line of the test.

/// The decision was accepted. On failure the message carries the refusal's own words,
/// which is usually all a reader needs to see why.
@discardableResult
func assertAccepted(_ decision: Decision, _ context: @autoclosure () -> String = "",
                    file: StaticString = #filePath, line: UInt = #line) -> Decision {
    if let refusal = decision.refusal {
        let checks = refusal.failedChecks.map { "\($0.name): \($0.message)" }.joined(separator: "; ")
        XCTFail("expected acceptance\(prefix(context())), refused (\(refusal.kind)): \(refusal.message)" +
                (checks.isEmpty ? "" : " [\(checks)]"), file: file, line: line)
    }
    return decision
}

/// The decision was refused with `kind` and, when given, exactly the named checks failing
/// (order aside): a refusing test says which gate refused, not merely that something did.
@discardableResult
func assertRefused(_ decision: Decision, _ kind: Refusal.Kind, failing checks: Set<String>? = nil,
                   messageContains fragments: [String] = [], _ context: @autoclosure () -> String = "",
                   file: StaticString = #filePath, line: UInt = #line) -> Refusal? {
    guard let refusal = decision.refusal else {
        XCTFail("expected a refusal (\(kind))\(prefix(context())), but it was accepted with "
                + decision.events.map(\.type).joined(separator: ", "), file: file, line: line)
        return nil
    }
    XCTAssertEqual(refusal.kind, kind, "refusal kind; message: \(refusal.message)", file: file, line: line)
    if let checks {
        XCTAssertEqual(Set(refusal.failedChecks.map(\.name)), checks,
                       "failing checks: " + refusal.failedChecks.map { "\($0.name): \($0.message)" }.joined(separator: "; "),
                       file: file, line: line)
    }
    for fragment in fragments where !refusal.message.contains(fragment) {
        XCTFail("refusal message does not contain \"\(fragment)\": \(refusal.message)", file: file, line: line)
    }
    XCTAssertTrue(decision.effects.isEmpty, "a refusal must ask the platform for nothing", file: file, line: line)
    return refusal
}

/// The message of the named failing check, for tests that pin down the wording an operator reads.
func failureMessage(_ refusal: Refusal?, check name: String) -> String? {
    refusal?.failedChecks.first { $0.name == name }?.message
}

private func prefix(_ context: String) -> String {
    context.isEmpty ? "" : " (\(context))"
}
