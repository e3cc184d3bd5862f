import Foundation

/// The helper's answer to one request.
public enum AnchorReply: Sendable, Equatable {
    case status(AnchorStatus)
    case signed(Checkpoint)
    case unchanged
    case refused(AnchorError)

    public var line: String {
        switch self {
        case .status(let s): return "status db=\(s.databaseID) epoch=\(s.nextEpoch) seq=\(s.lastSeq) time=\(s.lastTimeMilliseconds)"
        case .signed(let checkpoint): return "signed " + checkpoint.line
        case .unchanged: return "unchanged"
        case .refused(.rolledBack(let anchored, let log)): return "refused rolled-back anchored=\(anchored) log=\(log)"
        case .refused(let error): return "refused " + Self.oneLine(error.description)
        }
    }

    public static func parse(_ line: String) -> AnchorReply? {
        if line == "unchanged" { return .unchanged }
        if line.hasPrefix("signed ") { return Checkpoint.parse(String(line.dropFirst(7))).map(AnchorReply.signed) }
        if line.hasPrefix("refused rolled-back ") {
            let words = line.split(separator: " ")
            guard words.count == 4, words[2].hasPrefix("anchored="), words[3].hasPrefix("log="),
                  let anchored = Int64(words[2].dropFirst(9)), let log = Int64(words[3].dropFirst(4)) else { return nil }
            return .refused(.rolledBack(anchored: anchored, log: log))
        }
        if line.hasPrefix("refused ") { return .refused(.helper("refused: " + line.dropFirst(8))) }
        guard line.hasPrefix("status ") else { return nil }
        var fields: [String: String] = [:]
        for word in line.dropFirst(7).split(separator: " ") {
            guard let eq = word.firstIndex(of: "=") else { return nil }
            fields[String(word[..<eq])] = String(word[word.index(after: eq)...])
        }
        guard fields.count == 4, let db = fields["db"], DatabaseID.isValid(db), let epoch = fields["epoch"].flatMap(UInt64.init),
              let seq = fields["seq"].flatMap(Int64.init), let time = fields["time"].flatMap(Int64.init) else { return nil }
        return .status(AnchorStatus(databaseID: db, nextEpoch: epoch, lastSeq: seq, lastTimeMilliseconds: time))
    }

    /// Printable ASCII on one line: a reason never carries a line break or a control character.
    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value >= 32 && $0.value < 127 ? Character($0) : "?" })
    }
}
