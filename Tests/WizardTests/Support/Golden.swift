import Foundation
import XCTest

/// Whole screens compared as text against `Tests/WizardTests/Golden/NAME.txt`. With
/// `HANDRAIL_REGENERATE_GOLDEN=1` the files are written instead (into the source folder, found
/// from this file's path, not into the test bundle's copy), to be read and committed.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static var regenerating: Bool { ProcessInfo.processInfo.environment["HANDRAIL_REGENERATE_GOLDEN"] == "1" }

    static func assertScreen(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let url = folder.appendingPathComponent(name + ".txt")
        let actual = text + "\n"
        if regenerating {
            do {
                try actual.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                XCTFail("cannot write \(url.path): \(error)", file: file, line: line)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no golden screen \(name).txt; run with HANDRAIL_REGENERATE_GOLDEN=1, read it, keep it. The screen:\n\(actual)",
                    file: file, line: line)
            return
        }
        guard expected != actual else { return }
        let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
        let first = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
        let at = first < e.count ? e[first] : "(end)", got = first < a.count ? a[first] : "(end)"
        XCTFail("""
        screen differs from Golden/\(name).txt at line \(first + 1):
          expected: \(at.debugDescription)
          actual:   \(got.debugDescription)
        (HANDRAIL_REGENERATE_GOLDEN=1 rewrites it if the change is intended.) The whole screen:
        \(actual)
        """, file: file, line: line)
    }
}
