/// The default ticket pattern, `TicketPattern.defaultSource`, matched without a regular
/// expression engine:
///
///     #[0-9]{1,12}
///   | [A-Za-z][A-Za-z0-9]{0,15}-[A-Za-z]{0,3}[0-9]{1,12}
///   | [A-Za-z]{2,8}[0-9]{4,12}
///
/// over the whole reference. Every class is ASCII, so any other byte is a refusal. Each
/// alternative is deterministic: the first has no choice, the second splits at its only '-'
/// (the part before it holds none), and in the rest letters and digits never overlap, so a run
/// of letters followed by a run of digits is the only reading. One difference from ICU, which
/// lets `$` match before a final line break: a reference ending in a line break is refused here.
enum StandardTicketReference {
    static func matches(_ reference: String) -> Bool {
        var reference = reference
        return reference.withUTF8 { bytes in
            guard let first = bytes.first else { return false }
            if first == UInt8(ascii: "#") { return isDigits(bytes[1...], count: 1...12) }
            if let dash = bytes.firstIndex(of: UInt8(ascii: "-")) {
                let prefix = bytes[..<dash]
                guard (1...16).contains(prefix.count), isLetter(first), prefix.dropFirst().allSatisfy(isLetterOrDigit) else { return false }
                return isLettersThenDigits(bytes[(dash + 1)...], letters: 0...3, digits: 1...12)
            }
            return isLettersThenDigits(bytes[...], letters: 2...8, digits: 4...12)
        }
    }

    private static func isLettersThenDigits(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, letters: ClosedRange<Int>, digits: ClosedRange<Int>) -> Bool {
        let letterCount = bytes.prefix(while: isLetter).count
        return letters.contains(letterCount) && isDigits(bytes.dropFirst(letterCount), count: digits)
    }

    private static func isDigits(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, count: ClosedRange<Int>) -> Bool {
        count.contains(bytes.count) && bytes.allSatisfy(isDigit)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
}
