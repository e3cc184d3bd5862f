import Foundation

/// The bytes of a runbook file as text. Foundation's UTF-8 reading says only "the file isn't in the
/// correct format"; the checker's job is to point at the byte that is wrong, by the line and column
/// an editor shows (`SourceLocation`: lines and Unicode scalars, as the parser counts them).
public enum SourceText {
    /// Why the bytes are not UTF-8: the first bad byte and where it stands.
    public struct InvalidUTF8: Error, Sendable, Equatable {
        public var byte: UInt8
        public var location: SourceLocation

        /// "invalid UTF-8 (byte 0xE9)": what `runbook check` prints after the location.
        public var message: String {
            let hex = String(byte, radix: 16, uppercase: true)
            return "invalid UTF-8 (byte 0x\(hex.count == 1 ? "0" : "")\(hex)): save the file as UTF-8"
        }
    }

    /// Decodes `data` as UTF-8, or says where the first byte that is not UTF-8 stands.
    /// Overlong forms, surrogates and scalars past U+10FFFF are invalid too (RFC 3629, section 3).
    public static func decode(_ data: Data) -> Result<String, InvalidUTF8> {
        // The standard library's validation (as strict: RFC 3629) is the fast path; the scan
        // below, scalar by scalar, only runs to say where a file that fails it went wrong.
        if let text = String(validating: data, as: UTF8.self) { return .success(text) }
        let bytes = [UInt8](data)
        var line = 1, column = 1
        var index = 0
        var previousWasCR = false
        while index < bytes.count {
            guard let (scalar, length) = scalar(in: bytes, at: index) else {
                return .failure(InvalidUTF8(byte: bytes[index], location: SourceLocation(line: line, column: column)))
            }
            // The same line breaks as JSON5Parser: \n, \r not followed by \n, U+2028 and U+2029.
            switch scalar {
            case 0x0A:
                if !previousWasCR { line += 1 }
                column = 1
            case 0x0D, 0x2028, 0x2029:
                line += 1
                column = 1
            default:
                column += 1
            }
            previousWasCR = scalar == 0x0D
            index += length
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// The scalar starting at `index` and its length in bytes, or nil if the sequence is not well-formed.
    private static func scalar(in bytes: [UInt8], at index: Int) -> (UInt32, Int)? {
        let lead = bytes[index]
        let length: Int, initial: UInt32, minimum: UInt32
        switch lead {
        case 0x00...0x7F: return (UInt32(lead), 1)
        case 0xC2...0xDF: (length, initial, minimum) = (2, UInt32(lead & 0x1F), 0x80)
        case 0xE0...0xEF: (length, initial, minimum) = (3, UInt32(lead & 0x0F), 0x800)
        case 0xF0...0xF4: (length, initial, minimum) = (4, UInt32(lead & 0x07), 0x10000)
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        var value = initial
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(next & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return nil }
        return (value, length)
    }
}
