import Foundation
import XCTest

/// Text a test produces compared with a file committed beside the tests (a golden screen, a
/// transcript). The file is never written by a run that passes: a missing file fails, and a run
/// with `VARIABLE=1` in its environment writes the files that differ and fails, so that someone
/// reads the diff and commits it before the next run can pass.
public enum ReferenceText {
    /// True when `variable` is `1` in this process's environment.
    public static func regenerating(_ variable: String) -> Bool {
        ProcessInfo.processInfo.environment[variable] == "1"
    }

    /// Asserts that `actual` is the text of `url`, both read through `normalise` (which replaces
    /// what legitimately differs from run to run). With `regenerate=1`, writes `actual` to `url`
    /// (when the normalised texts differ) and fails either way.
    public static func assertMatches(_ actual: String, _ url: URL, regenerate variable: String,
                                     normalise: (String) -> String = { $0 },
                                     file: StaticString = #filePath, line: UInt = #line) {
        let committed = try? String(contentsOf: url, encoding: .utf8)
        let name = url.path.replacingOccurrences(of: PackagePaths.root.path + "/", with: "")
        if regenerating(variable) {
            if let committed, normalise(committed) == normalise(actual) {
                XCTFail("\(variable)=1: \(name) is unchanged, nothing written; run again without \(variable)", file: file, line: line)
                return
            }
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: url, options: .atomic)
                XCTFail("regenerated \(name) (\(variable)=1); read the diff, commit it, run again without \(variable)",
                        file: file, line: line)
            } catch {
                XCTFail("\(variable)=1: cannot write \(url.path): \(error)", file: file, line: line)
            }
            return
        }
        guard let committed else {
            XCTFail("""
            no \(name): run with \(variable)=1 to write it, read it, commit it. What this run produced:
            \(actual)
            """, file: file, line: line)
            return
        }
        let expected = normalise(committed), got = normalise(actual)
        guard expected != got else { return }
        let e = expected.components(separatedBy: "\n"), a = got.components(separatedBy: "\n")
        let first = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
        let at = first < e.count ? e[first] : "(end)", instead = first < a.count ? a[first] : "(end)"
        XCTFail("""
        differs from \(name) at line \(first + 1):
          expected: \(at.debugDescription)
          actual:   \(instead.debugDescription)
        (\(variable)=1 rewrites it if the change is intended; the run then fails, to be read and committed.) All of it:
        \(actual)
        """, file: file, line: line)
    }
}
