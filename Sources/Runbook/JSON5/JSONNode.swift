/// A parsed JSON5 value that remembers where it came from, so that the runbook
/// checker can say "line 41:17, $.steps[3].transitions[0].to" rather than just "bad".
public struct JSONNode: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONNode])
        /// Members in source order, duplicates included, so the checker can report them.
        case object([Member])
    }

    public struct Member: Sendable, Hashable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: JSONNode
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The value of `key` when this node is an object that has it.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = kind else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var members: [Member]? {
        if case .object(let m) = kind { return m }
        return nil
    }

    public var elements: [JSONNode]? {
        if case .array(let a) = kind { return a }
        return nil
    }

    public var string: String? {
        if case .string(let s) = kind { return s }
        return nil
    }

    /// A short name for the node's type, used in "expected a string, found a number".
    public var typeName: String {
        switch kind {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number(let n):
            // Where a whole or finite number is expected, say which value stood there: NaN and
            // Infinity are JSON5 numbers, and "found a number" would not say what is wrong.
            if n.isNaN { return "NaN (not a number)" }
            if n.isInfinite { return n < 0 ? "-Infinity" : "Infinity" }
            return n == n.rounded() && abs(n) < 1e15 ? "a number" : "the number \(n)"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The same value without locations.
    public var plain: JSONValue {
        switch kind {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(\.plain))
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for m in members { out[m.key] = m.value.plain }
            return .object(out)
        }
    }
}

extension JSONNode {
    /// The node a path addresses, if it exists.
    public func node(at path: JSONPath) -> JSONNode? {
        var current: JSONNode? = self
        for component in path.components {
            switch component {
            case .key(let k): current = current?[k]
            case .index(let i):
                guard let items = current?.elements, items.indices.contains(i) else { return nil }
                current = items[i]
            }
        }
        return current
    }

    /// The location of the deepest existing node along `path`: where an author should look
    /// even when the value the path names is missing.
    public func nearestLocation(to path: JSONPath) -> SourceLocation {
        var components = path.components
        while !components.isEmpty {
            if let node = node(at: JSONPath(components)) { return node.location }
            components.removeLast()
        }
        return location
    }
}
