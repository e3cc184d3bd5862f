import Foundation
import XCTest

/// The rules of docs/ARCHITECTURE.md that the compiler does not enforce, checked on the source
/// tree: one clock, the wizard above the application layer only, the Engine pure, event names
/// spelt in one place. Each rule's test also shows it catches a violation.
final class LayeringTests: XCTestCase {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every Swift file under Sources, as (path relative to Sources, text).
    static func files() throws -> [(path: String, text: String)] {
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var out: [(String, String)] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let relative = String(url.path.dropFirst(sources.path.count + 1))
            out.append((relative, try String(contentsOf: url, encoding: .utf8)))
        }
        XCTAssertGreaterThan(out.count, 100)
        return out
    }

    /// Lines of code (comments dropped) matching `pattern`.
    static func hits(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return text.split(separator: "\n").map(String.init).filter { line in
            let code = line.components(separatedBy: "//").first ?? ""
            return regex.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil
        }
    }

    static func imports(_ text: String) -> Set<String> {
        Set(hits(#"^\s*(@testable\s+)?import\s+\w+"#, in: text).compactMap { $0.split(separator: " ").last.map(String.init) })
    }

    // MARK: - One clock

    static func readsTheClock(_ text: String) -> Bool { !hits(#"\bDate\(\)"#, in: text).isEmpty }

    func testOnlyTheWallClockReadsTheTime() throws {
        let readers = try Self.files().filter { Self.readsTheClock($0.text) }.map(\.path)
            .filter { !$0.hasPrefix("handrail-bench/") }
        XCTAssertEqual(readers, ["HandrailCLI/HandrailCommandLine.swift"], "Date() outside the one wall clock")
    }

    func testTheClockRuleCatchesADateCall() {
        XCTAssertTrue(Self.readsTheClock("let now = Date()\n"))
        XCTAssertFalse(Self.readsTheClock("// Date() in a comment\nlet at: Date = clock()\n"))
    }

    // MARK: - Layers

    func testTheWizardReachesStorageOnlyThroughCasework() throws {
        let allowed: Set<String> = ["Foundation", "Terminal", "Casework", "Engine", "Runbook"]
        for file in try Self.files() where file.path.hasPrefix("Wizard/") {
            let extra = Self.imports(file.text).subtracting(allowed)
            XCTAssertEqual(extra, [], "\(file.path) imports \(extra.sorted())")
        }
    }

    func testTheEngineIsPure() throws {
        let allowed: Set<String> = ["Foundation", "Runbook"]
        for file in try Self.files() where file.path.hasPrefix("Engine/") || file.path.hasPrefix("Runbook/") {
            let extra = Self.imports(file.text).subtracting(allowed)
            XCTAssertEqual(extra, [], "\(file.path) imports \(extra.sorted())")
            for forbidden in [#"\bDate\(\)"#, #"\bFileManager\b"#, #"\bProcessInfo\b"#, #"SystemRandomNumberGenerator"#, #"\.random\("#] {
                XCTAssertEqual(Self.hits(forbidden, in: file.text), [], "\(file.path) reaches for \(forbidden)")
            }
        }
    }

    /// Event names the Engine gives meaning to are spelt once, in its codec; everything else
    /// matches on the typed body.
    func testFixedEventNamesAreSpeltOnlyInTheCodec() throws {
        let names = ["case.opened", "case.closed", "case.escalated", "case.reopened", "case.paused", "case.resumed", "refusal.upheld",
                     "note.added", "signal.raised", "verification.restarted", "approval.requested", "approval.granted",
                     "approval.denied", "incident.declared", "facts.recorded", "verification.recorded", "verification.rejected",
                     "gate.refused", "fact.confirmed", "case.prior_cases_found", "case.prior_cases_cleared", "case.taken_over"]
        for file in try Self.files() where file.path != "Engine/Events/EventCodec.swift" && file.path != "Engine/Checks/VerificationMethod.swift"
            && !file.path.hasPrefix("handrail-bench/") {
            for name in names {
                XCTAssertEqual(Self.hits("\"\(NSRegularExpression.escapedPattern(for: name))\"", in: file.text), [],
                               "\(file.path) spells the event name \(name)")
            }
        }
    }

    func testTheImportRuleSeesImports() {
        XCTAssertEqual(Self.imports("import Foundation\n@testable import Store\n// import Wizard\n"), ["Foundation", "Store"])
    }
}
