import Foundation

/// Rows of the final table: what was measured, our figure, the peer's, the ratio and the budget.
final class BenchReport {
    struct Row {
        var what: String
        var ours: String
        var peer: String
        var ratio: String
        var budget: String
        var met: Bool?
    }

    private(set) var rows: [Row] = []

    func add(_ what: String, ours: String, peer: String = "", ratio: String = "", budget: String, met: Bool?) {
        rows.append(Row(what: what, ours: ours, peer: peer, ratio: ratio, budget: budget, met: met))
    }

    func printTable() {
        let header = Row(what: "measure", ours: "handrail", peer: "peer", ratio: "ratio", budget: "budget", met: nil)
        let all = [header] + rows
        func width(_ key: KeyPath<Row, String>) -> Int { all.map { $0[keyPath: key].count }.max() ?? 0 }
        let w = [width(\.what), width(\.ours), width(\.peer), width(\.ratio), width(\.budget)]
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        print("")
        for (i, row) in all.enumerated() {
            let verdict = i == 0 ? "met" : row.met.map { $0 ? "yes" : "NO" } ?? "-"
            print("| \(pad(row.what, w[0])) | \(pad(row.ours, w[1])) | \(pad(row.peer, w[2])) | \(pad(row.ratio, w[3])) | \(pad(row.budget, w[4])) | \(verdict) |")
            if i == 0 { print("|" + w.map { String(repeating: "-", count: $0 + 2) + "|" }.joined() + "-----|") }
        }
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func ms(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }
