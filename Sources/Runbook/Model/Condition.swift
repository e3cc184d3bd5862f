/// A condition on a case, used by transitions and conditional fields.
///
/// `field` names a field of the same step (`method`) or of another (`choose_recovery.situation`);
/// `fact` names a platform or case fact from the Engine's vocabulary (`backupCodesRemaining`).
public indirect enum Condition: Sendable, Equatable {
    case field(String, Comparison)
    case fact(String, Comparison)
    case all([Condition])
    case any([Condition])
    case not(Condition)
}

public enum Comparison: Sendable, Equatable {
    case equals(JSONValue)
    case notEquals(JSONValue)
    case oneOf([JSONValue])
    case greaterThan(Double)
    case lessThan(Double)
    /// The value is present and not empty.
    case present

    /// Whether `value` (absent: nil) satisfies the comparison.
    public func holds(for value: JSONValue?) -> Bool {
        switch self {
        case .equals(let expected): return value == expected
        case .notEquals(let expected): return value != expected
        case .oneOf(let options): return value.map(options.contains) ?? false
        case .greaterThan(let bound): return (value?.numberValue).map { $0 > bound } ?? false
        case .lessThan(let bound): return (value?.numberValue).map { $0 < bound } ?? false
        case .present:
            switch value {
            case .none, .null?: return false
            case .string(let s)?: return !s.isEmpty
            default: return true
            }
        }
    }
}

extension Condition {
    /// Every fact the condition tests, in order, for edges that must supply them first.
    public var factNames: [String] {
        switch self {
        case .field: return []
        case .fact(let name, _): return [name]
        case .all(let list), .any(let list): return list.flatMap(\.factNames)
        case .not(let inner): return inner.factNames
        }
    }
}
