import Foundation

/// Lines a command would have printed on stderr, kept to be shown elsewhere: the wizard's first
/// screen, where a line printed behind the full-screen view would be seen only after quitting.
final class NoticeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    func add(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        lock.withLock { collected += lines }
    }

    var lines: [String] { lock.withLock { collected } }
}
