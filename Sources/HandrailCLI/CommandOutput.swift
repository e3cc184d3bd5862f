import Foundation

/// Where a command writes: the process's stdout and stderr, or buffers in tests.
public final class CommandOutput: @unchecked Sendable {
    private let lock = NSLock()
    private let writeOut: @Sendable (String) -> Void
    private let writeOutBytes: (@Sendable ([UInt8]) -> Void)?
    private let writeErr: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
                outBytes: (@Sendable ([UInt8]) -> Void)? = nil) {
        self.writeOut = out
        self.writeErr = err
        self.writeOutBytes = outBytes
    }

    /// The process's own standard streams.
    public static func standard() -> CommandOutput {
        CommandOutput(out: { FileHandle.standardOutput.write(Data($0.utf8)) },
                      err: { FileHandle.standardError.write(Data($0.utf8)) },
                      outBytes: { bytes in bytes.withUnsafeBytes { FileHandle.standardOutput.write(Data($0)) } })
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
