import Terminal

/// A single-line text being edited: characters (graphemes, so é and 한 move as one) and a cursor.
/// Edits like a terminal's line editor (GNU Readline's emacs keys, readline(3) "Commands for
/// Moving" and "Killing and Yanking"): Ctrl-A/E start and end, Ctrl-B/F and Alt-B/F by character
/// and word, Ctrl-U/K kill to the start and to the end, Ctrl-W the word before the cursor.
/// Every edit is linear in the text's length; a paste is inserted in one pass.
public struct TextInput: Sendable, Equatable {
    public private(set) var characters: [Character]
    public private(set) var cursor: Int
    /// Characters the last paste or key could not take, being over the field's limit (0: none).
    public private(set) var dropped = 0

    /// The most a field takes when it says nothing (the Engine's default for typed text).
    public static let defaultLimit = 2000

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }

    /// Applies an editing key; returns false for keys that are not editing.
    public mutating func handle(_ key: KeyInput, limit: Int = TextInput.defaultLimit) -> Bool {
        dropped = 0
        switch key {
        case .character(let c):
            // Control characters never enter a field: they are how escape sequences get in.
            guard !Self.isControl(c) else { return true }
            guard characters.count < limit else { dropped = 1; return true }
            characters.insert(c, at: cursor)
            cursor += 1
        case .paste(let text):
            // Newlines and tabs become spaces; other control characters are dropped.
            var clean: [Character] = []
            clean.reserveCapacity(min(text.count, limit))
            var over = 0
            let room = max(0, limit - characters.count)
            for c in text {
                let kept: Character
                if c == "\n" || c == "\r\n" || c == "\r" || c == "\t" { kept = " " } else if Self.isControl(c) { continue } else { kept = c }
                if clean.count < room { clean.append(kept) } else { over += 1 }
            }
            characters.insert(contentsOf: clean, at: cursor)
            cursor += clean.count
            dropped = over
        case .backspace:
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete:
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .left, .control("b"): cursor = max(0, cursor - 1)
        case .right, .control("f"): cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .control("u"):
            characters.removeFirst(cursor)
            cursor = 0
        case .control("k"):
            characters.removeSubrange(cursor...)
        case .control("w"):
            // Back over spaces, then over the word (unix-word-rubout: words end at whitespace).
            var start = cursor
            while start > 0, characters[start - 1].isWhitespace { start -= 1 }
            while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .alt("b"):
            while cursor > 0, !characters[cursor - 1].isLetterOrNumber { cursor -= 1 }
            while cursor > 0, characters[cursor - 1].isLetterOrNumber { cursor -= 1 }
        case .alt("f"):
            while cursor < characters.count, !characters[cursor].isLetterOrNumber { cursor += 1 }
            while cursor < characters.count, characters[cursor].isLetterOrNumber { cursor += 1 }
        case .alt("d"):
            var end = cursor
            while end < characters.count, !characters[end].isLetterOrNumber { end += 1 }
            while end < characters.count, characters[end].isLetterOrNumber { end += 1 }
            characters.removeSubrange(cursor..<end)
        default: return false
        }
        return true
    }

    static func isControl(_ c: Character) -> Bool {
        c.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }

    /// Whether `key` is one a text field takes (typing, editing, moving), so that it must not
    /// also be a case action while a text field has the focus.
    public static func isEditing(_ key: KeyInput) -> Bool {
        switch key {
        case .character, .paste, .backspace, .delete, .left, .right, .home, .end: return true
        case .control(let c): return "abefkuw".contains(c)
        case .alt(let c): return "bdf".contains(c)
        default: return false
        }
    }
}

extension Character {
    var isLetterOrNumber: Bool { isLetter || isNumber }
}

public typealias KeyInput = Terminal.Key
