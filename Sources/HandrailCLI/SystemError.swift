import Foundation

/// A system call's failure in words, as the reader of a message expects them: strerror(3)'s text,
/// lower-cased to sit inside a sentence ("cannot be read: permission denied").
enum SystemError {
    static func text(_ code: Int32) -> String {
        strerror(code).map { String(cString: $0).lowercased() } ?? "error \(code)"
    }
}
