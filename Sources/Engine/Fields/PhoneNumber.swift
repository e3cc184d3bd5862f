/// Phone numbers compared as digits: "+44 20 7946 0958", "+44-20-7946-0958" and
/// "+442079460958" are one number. A leading + is kept, since without a country code
/// two numbers are only equal if typed the same way.
public enum PhoneNumber {
    public static func normalise(_ raw: String) -> String? {
        var digits = ""
        var plus = false
        for (i, c) in raw.enumerated() {
            switch c {
            case "+" where i == 0: plus = true
            case "0"..."9": digits.append(c)
            case " ", "-", ".", "(", ")": continue
            default: return nil
            }
        }
        guard (7...15).contains(digits.count) else { return nil }
        return (plus ? "+" : "") + digits
    }

    /// Whether two typed numbers are the same line.
    public static func same(_ a: String, _ b: String) -> Bool {
        guard let x = normalise(a), let y = normalise(b) else { return false }
        return x == y
    }
}
