/// A small argument reader: options (`--name value`, `--name=value`), flags and positionals,
/// in any order. Hand-written because the project takes no third-party packages.
struct ArgumentList {
    private(set) var items: [String]

    init(_ items: [String]) {
        self.items = items
    }

    /// Removes and returns the value of `--name value` or `--name=value`.
    mutating func takeOption(_ name: String) -> String? {
        for (i, item) in items.enumerated() {
            if item == "--" { return nil }
            if item == name, i + 1 < items.count {
                let value = items[i + 1]
                items.removeSubrange(i...(i + 1))
                return value
            }
            if item.hasPrefix(name + "=") {
                items.remove(at: i)
                return String(item.dropFirst(name.count + 1))
            }
        }
        return nil
    }

    mutating func takeFlag(_ name: String) -> Bool {
        guard let i = items.firstIndex(of: name), items.firstIndex(of: "--").map({ i < $0 }) ?? true else { return false }
        items.remove(at: i)
        return true
    }

    /// The next positional argument.
    mutating func next() -> String? {
        if items.first == "--" { items.removeFirst() }
        return items.isEmpty ? nil : items.removeFirst()
    }

    /// An option-looking argument nobody took: a typo the user should hear about.
    var unknownOption: String? {
        items.first { $0.hasPrefix("-") && $0 != "-" && $0 != "--" }
    }

    var isEmpty: Bool { items.isEmpty }
}
