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

    /// Removes options and flags written before the first positional argument, so that options
    /// every command takes may also come before the command word (`handrail --db PATH case list`).
    mutating func takeLeading(options: [String], flags: [String]) -> [String] {
        var taken: [String] = []
        while let first = items.first {
            if flags.contains(first) || options.contains(where: { first.hasPrefix($0 + "=") }) {
                taken.append(items.removeFirst())
            } else if options.contains(first), items.count >= 2 {
                taken += items.prefix(2)
                items.removeFirst(2)
            } else {
                break
            }
        }
        return taken
    }

    /// Puts `words` back in front: they are read as if they had been written there.
    mutating func prepend(_ words: [String]) {
        items.insert(contentsOf: words, at: 0)
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
