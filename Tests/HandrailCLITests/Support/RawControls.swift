import Foundation

/// Finds what a terminal would interpret rather than show in bytes a command wrote: C0 controls
/// other than newline and tab (and carriage return where CSV's CRLF is expected), DEL, C1 controls
/// (as UTF-8 or as lone 8-bit bytes, which an 8-bit terminal reads as CSI and friends), and the
/// bidirectional controls that make text display other than it reads.
enum RawControls {
    /// A description of each raw control in `data` (empty when there is none).
    static func find(in data: Data, allowCarriageReturn: Bool = false) -> [String] {
        guard let text = String(bytes: data, encoding: .utf8) else {
            return ["not valid UTF-8 (a lone byte 0x80–0x9F is an 8-bit C1 control)"]
        }
        var found: [String] = []
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            let v = scalar.value
            let raw: Bool
            switch v {
            case 0x0A, 0x09: raw = false
            case 0x0D: raw = !allowCarriageReturn
            case 0x00..<0x20, 0x7F, 0x80...0x9F: raw = true
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: raw = true
            default: raw = false
            }
            if raw { found.append("U+\(String(v, radix: 16, uppercase: true)) at scalar \(offset)") }
        }
        return found
    }
}
