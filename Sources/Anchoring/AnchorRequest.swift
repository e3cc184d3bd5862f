import Foundation

/// What the service account may ask the anchor helper, one line on its standard input, and
/// the one line the helper answers. A fixed grammar, exactly one spelling of each request: the
/// helper runs as the account that holds the key, and anything it cannot read exactly is refused.
///
///     status
///     sign db=ID seq=N head=HEX time=YYYY-MM-DDTHH:MM:SS.sssZ cases=HR-1,HR-2|- force=0|1
///
/// Answers: `status db=ID epoch=E seq=N time=MS`, `signed CHECKPOINT-LINE`, `unchanged` (the
/// last checkpoint already covers `seq`), `refused rolled-back anchored=N log=M`, or
/// `refused REASON`.
public enum AnchorRequest: Sendable, Equatable {
    case status
    case sign(databaseID: String, seq: Int64, head: [UInt8], time: Int64, cases: [String], force: Bool)

    /// The longest request line accepted (a sign request is about 200 bytes and 65 per case named).
    public static let maximumLength = 8192

    public var line: String {
        switch self {
        case .status: return "status"
        case .sign(let db, let seq, let head, let time, let cases, let force):
            let list = Checkpoint.bounded(cases)
            return "sign db=\(db) seq=\(seq) head=\(head.hexString) time=\(CheckpointTime.format(time)) cases=\(list.isEmpty ? "-" : list.joined(separator: ",")) force=\(force ? 1 : 0)"
        }
    }

    /// The request in `line` (without its newline), or nil when it is not spelt exactly so.
    public static func parse(_ line: String) -> AnchorRequest? {
        guard line.utf8.count <= maximumLength else { return nil }
        if line == "status" { return .status }
        let words = line.split(separator: " ", omittingEmptySubsequences: false)
        let keys = ["db", "seq", "head", "time", "cases", "force"]
        guard words.count == 7, words[0] == "sign" else { return nil }
        var values: [String] = []
        for (word, key) in zip(words.dropFirst(), keys) {
            guard word.hasPrefix(key + "=") else { return nil }
            values.append(String(word.dropFirst(key.count + 1)))
        }
        guard DatabaseID.isValid(values[0]), let seq = Int64(values[1]), seq >= 0, let head = [UInt8](hex: values[2]), head.count == 32,
              let time = CheckpointTime.parse(values[3]), ["0", "1"].contains(values[5]) else { return nil }
        let cases = values[4] == "-" ? [] : values[4].split(separator: ",", omittingEmptySubsequences: false)
        guard cases.allSatisfy(Checkpoint.isCaseID) else { return nil }
        let request = AnchorRequest.sign(databaseID: values[0], seq: seq, head: head, time: time, cases: cases.map(String.init), force: values[5] == "1")
        return request.line == line ? request : nil
    }
}
