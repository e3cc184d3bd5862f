/// Case identifiers operators can read out on a call: "HR-" and eight characters of Crockford
/// base32 (no I, L, O, U), from the system's secure random source.
public enum CaseID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return "HR-" + String((0..<8).map { _ in alphabet[Int(generator.next(upperBound: UInt8(alphabet.count)))] })
    }
}
