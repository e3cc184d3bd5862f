import Foundation

/// The process's environment, read from environ(7) once at start.
///
/// Not `ProcessInfo.processInfo.environment`: the first use of `ProcessInfo` builds the whole
/// process description (arguments, host, environment), a sixth of what `handrail --version`
/// cost. Where a name appears twice (a caller can pass such an environment to execve(2)), the
/// first wins, as getenv(3) and every C program in the deployment (sudo, sshd, SQLite) read it.
public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        read(environ)
    }

    /// The variables of an environment block laid out as environ(7) is: "NAME=value" strings up
    /// to a null pointer. An entry without "=" names nothing and is skipped.
    static func read(_ block: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> [String: String] {
        var variables: [String: String] = [:]
        var entry = block
        while let pointer = entry.pointee {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
                let name = String(decoding: bytes[..<equals], as: UTF8.self)
                if variables[name] == nil {
                    variables[name] = String(decoding: bytes[(equals + 1)...], as: UTF8.self)
                }
            }
            entry += 1
        }
        return variables
    }
}
