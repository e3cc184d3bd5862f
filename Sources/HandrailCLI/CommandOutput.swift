import Foundation

/// Where a command writes: the process's stdout and stderr, or buffers in tests.
public final class CommandOutput: @unchecked Sendable {
    private let lock = NSLock()
    private let writeOut: @Sendable (String) -> Void
    private let writeOutBytes: (@Sendable ([UInt8]) -> Void)?
    private let writeErr: @Sendable (String) -> Void
    /// The operator's own screen, for one-time secrets: never stdout, never `--json`. Returns
    /// whether it was written; nil where there is no such screen.
    private let writeTerminal: (@Sendable (String) -> Bool)?
    private let terminalAvailable: @Sendable () -> Bool

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
                outBytes: (@Sendable ([UInt8]) -> Void)? = nil, terminal: (@Sendable (String) -> Bool)? = nil) {
        self.writeOut = out
        self.writeErr = err
        self.writeOutBytes = outBytes
        self.writeTerminal = terminal
        terminalAvailable = { terminal != nil }
    }

    private init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
                 outBytes: (@Sendable ([UInt8]) -> Void)?, terminal: @escaping @Sendable (String) -> Bool,
                 terminalAvailable: @escaping @Sendable () -> Bool) {
        self.writeOut = out
        self.writeErr = err
        self.writeOutBytes = outBytes
        self.writeTerminal = terminal
        self.terminalAvailable = terminalAvailable
    }

    /// The process's own standard streams, and its controlling terminal for secrets.
    public static func standard() -> CommandOutput {
        CommandOutput(out: { FileHandle.standardOutput.write(Data($0.utf8)) },
                      err: { FileHandle.standardError.write(Data($0.utf8)) },
                      outBytes: { bytes in bytes.withUnsafeBytes { FileHandle.standardOutput.write(Data($0)) } },
                      terminal: { ControllingTerminal.write($0) }, terminalAvailable: { ControllingTerminal.isAvailable })
    }

    /// Whether one-time secrets can be shown: there is a controlling terminal to show them on.
    public var hasTerminal: Bool { terminalAvailable() }

    /// Writes `text` to the operator's terminal only; false when there is none.
    public func toTerminal(_ text: String) -> Bool {
        guard let writeTerminal else { return false }
        return lock.withLock { writeTerminal(text.hasSuffix("\n") ? text : text + "\n") }
    }

    public func print(_ text: String) {
        lock.withLock { writeOut(text.hasSuffix("\n") ? text : text + "\n") }
    }

    /// Writes `text` exactly as given: for streamed exports.
    public func raw(_ text: String) {
        lock.withLock { writeOut(text) }
    }

    /// Writes bytes exactly as given (UTF-8 text built without a String).
    public func rawBytes(_ bytes: [UInt8]) {
        lock.withLock {
            if let writeOutBytes { writeOutBytes(bytes) } else { writeOut(String(decoding: bytes, as: UTF8.self)) }
        }
    }

    public func error(_ text: String) {
        lock.withLock { writeErr(text.hasSuffix("\n") ? text : text + "\n") }
    }
}
