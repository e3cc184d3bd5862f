/// Fixed-width numbers written digit by digit, for the stored spellings of times and days.
/// `String(format:)` would do the same through Foundation's formatter, which looks up the
/// current locale and time zone on first use — a measurable part of a short command, which
/// formats a time for every event it records.
struct DigitText {
    private var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// `value` (not negative) in at least `width` digits, zeros in front, then `separator` if given.
    mutating func append(_ value: Int, width: Int, then separator: Unicode.Scalar? = nil) {
        var digits: [UInt8] = []
        var rest = max(0, value)
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if digits.count < width { bytes += repeatElement(UInt8(ascii: "0"), count: width - digits.count) }
        bytes += digits.reversed()
        if let separator { bytes.append(UInt8(separator.value)) }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
