import Foundation

/// The process's controlling terminal (`/dev/tty`), where one-time secrets are shown: a
/// temporary password or generated backup codes must reach the operator's eyes and nothing else —
/// not stdout (a pipe, a log, a script's variable), not `--json`. A command without a controlling
/// terminal (cron, a pipeline under setsid) cannot show them, and is refused before acting.
enum ControllingTerminal {
    static var isAvailable: Bool {
        let fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    static func write(_ text: String) -> Bool {
        let fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 { if errno == EINTR { continue }; return false }
            offset += written
        }
        bytes.removeAll()
        return true
    }
}
