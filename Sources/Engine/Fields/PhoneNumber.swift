/// Phone numbers as E.164 (ITU-T Recommendation E.164: "+", country code, national significant
/// number, at most 15 digits). "+44 20 7946 0958", "+44-20-7946-0958", "0044 20 7946 0958" and,
/// with the organisation's default country code 44, "020 7946 0958" are one number,
/// "+442079460958". Only ASCII digits count: a full-width digit or a digit carrying a combining
/// mark is not a digit.
public enum PhoneNumber {
    /// The number in E.164 form; without a default country code a number typed without one is
    /// kept as its digits (no "+"), and never equals a number in E.164 form.
    public static func normalise(_ raw: String, defaultCountryCode: String? = nil) -> String? {
        var digits = ""
        var plus = false
        var first = true
        for scalar in raw.unicodeScalars {
            defer { first = false }
            switch scalar {
            case "+" where first: plus = true
            case "0"..."9": digits.unicodeScalars.append(scalar)
            case " ", "-", ".", "(", ")": continue
            default: return nil
            }
        }
        // The international call prefix most of the world dials, "00", means "+".
        if !plus, digits.hasPrefix("00") {
            digits.removeFirst(2)
            plus = true
        }
        if !plus, let code = defaultCountryCode {
            digits = code + nationalSignificantNumber(digits, countryCode: code)
            plus = true
        }
        guard (7...15).contains(digits.count), !(plus && digits.hasPrefix("0")) else { return nil }
        return (plus ? "+" : "") + digits
    }

    /// A national number without its trunk prefix: "0" in most of the world, "1" in the North
    /// American Numbering Plan, "8" in Russia and Kazakhstan; Italy, San Marino and the Vatican
    /// keep their leading 0 in E.164.
    static func nationalSignificantNumber(_ digits: String, countryCode: String) -> String {
        let trunk: String? = switch countryCode {
        case "1": "1"
        case "7": "8"
        case "39", "378", "379": nil
        default: "0"
        }
        if let trunk, digits.hasPrefix(trunk) { return String(digits.dropFirst(trunk.count)) }
        return digits
    }

    /// Whether two typed numbers are the same line (both in E.164 with the default country code).
    public static func same(_ a: String, _ b: String, defaultCountryCode: String? = nil) -> Bool {
        guard let x = normalise(a, defaultCountryCode: defaultCountryCode),
              let y = normalise(b, defaultCountryCode: defaultCountryCode) else { return false }
        return x == y
    }

    /// Whether two numbers could be the same line, for rules that must not be dodged by typing a
    /// number differently: equal in E.164, or, where one of them carries no country code, equal
    /// in their last seven or more digits.
    public static func mightBeSame(_ a: String, _ b: String, defaultCountryCode: String? = nil) -> Bool {
        guard let x = normalise(a, defaultCountryCode: defaultCountryCode),
              let y = normalise(b, defaultCountryCode: defaultCountryCode) else { return false }
        if x == y { return true }
        guard !x.hasPrefix("+") || !y.hasPrefix("+") else { return false }
        let dx = x.filter { $0 != "+" }, dy = y.filter { $0 != "+" }
        let shorter = min(dx.count, dy.count)
        let tail = max(7, shorter - 1)
        return shorter >= 7 && dx.suffix(tail) == dy.suffix(tail)
    }
}
