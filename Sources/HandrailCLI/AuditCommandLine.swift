import Anchoring
import Engine
import Foundation
import Hashing
import Runbook
import Store

/// `handrail audit [filters] [--format table|csv|json]` and `handrail audit verify`.
/// Output is streamed row by row: exporting ten million events uses as little memory as ten.
enum AuditCommandLine {
    static func run(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        var filter = AuditFilter()
        var format = options.json ? "json" : "table"
        var expectedHead: String?
        var verify = false
        var verifyOptions = VerifyOptions()
        var follow = false
        do {
            while let event = args.takeOption("--event") { filter.eventTypes.append(event) }
            filter.actor = args.takeOption("--actor")
            filter.subject = args.takeOption("--subject")?.lowercased()
            filter.caseID = args.takeOption("--case")
            if let since = args.takeOption("--since") { filter.since = try date(since, "--since") }
            if let until = args.takeOption("--until") { filter.until = try date(until, "--until") }
            if let f = args.takeOption("--format") {
                guard ["table", "csv", "json", "ocsf"].contains(f) else { throw UsageError("--format is table, csv or json, or ocsf for OCSF Account Change records") }
                format = f
            }
            expectedHead = args.takeOption("--expect-head")
            if let head = expectedHead, [UInt8](hex: head.lowercased())?.count != 32 {
                throw UsageError("--expect-head takes a chain head: 64 hexadecimal digits, not \"\(SafeText.visible(head))\"")
            }
            verifyOptions = try VerifyOptions.take(from: &args)
            follow = args.takeFlag("--follow")
            if let after = args.takeOption("--after") {
                guard let seq = Int64(after), seq >= 0 else { throw UsageError("--after takes a sequence number, not \"\(SafeText.visible(after))\"") }
                filter.afterSeq = seq
            }
            if follow {
                // A stream is JSON lines: one object per event, as it commits.
                if format == "csv" { throw UsageError("--follow writes JSON lines: --format json or ocsf") }
                if format == "table" { format = "json" }
            }
            if let word = args.next() {
                guard word == "verify" else { throw UsageError("unexpected \"\(SafeText.visible(word))\"; did you mean handrail audit verify?") }
                verify = true
            }
            if let unknown = args.unknownOption ?? args.next() { throw UsageError("unexpected \(SafeText.visible(unknown))") }
        } catch let error as UsageError {
            out.error("handrail audit: \(error.message)\n\n" + HelpText.audit)
            return .usage
        } catch {
            return .internalError
        }
        let env: HandrailEnvironment
        switch HandrailEnvironment.resolve(options: options, context: context, command: "audit") {
        case .success(let resolved): env = resolved
        case .failure(let reported): return reported.code
        }
        guard env.role != nil else {
            out.error("handrail audit: \(SafeText.visible(env.login)) is not on this database's roster; ask a senior admin to add you (handrail operator add \(SafeText.visible(env.login)) --role auditor)")
            return .notPermitted
        }
        do {
            if verify {
                return try runVerify(env: env, expectedHead: expectedHead, options: verifyOptions, json: format == "json", context: context)
            }
            if follow { return try AuditFollow.run(env: env, filter: filter, ocsf: format == "ocsf", context: context) }
            return try export(env: env, filter: filter, format: format, context: context)
        } catch {
            return FailureReport.report(error, command: "audit", to: out)
        }
    }

    static func date(_ text: String, _ option: String) throws -> Date {
        if CalendarDay(parsing: text) != nil, let d = EventTime.parseLenient(text + "T00:00") { return d }
        if let d = EventTime.parseLenient(text) { return d }
        throw UsageError("\(option) takes a date, YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC); \"\(SafeText.visible(text))\" is neither")
    }

    static func export(env: HandrailEnvironment, filter: AuditFilter, format: String, context: CommandContext) throws -> ExitCode {
        let writer = StreamWriter(output: context.output)
        switch format {
        case "ocsf":
            try env.store.auditRows(filter) { row in
                if let record = OCSFRecord.record(row) { writer.write(record.canonicalText + "\n") }
            }
        case "csv", "json":
            let output = context.output
            try AuditExporter(store: env.store).export(filter, format: format == "csv" ? .csv : .json) { output.rawBytes($0) }
        default:
            var count = 0
            try env.store.auditRows(filter) { row in
                var line = "#\(row.seq) \(row.time) \(SafeText.visible(row.actor)) \(SafeText.visible(row.caseID)) \(SafeText.visible(row.subject)) \(SafeText.visible(row.type))"
                if let reason = row.reason { line += ": " + SafeText.visible(reason) }
                if row.type == EventCodec.Name.caseOpened, let hash = (try? JSON5Parser.parse(row.payload))?.plain["runbookSHA256"]?.stringValue {
                    line += " [runbook sha256:\(SafeText.visible(hash))]"
                }
                writer.write(line + "\n")
                count += 1
            }
            writer.write("\(count) event\(count == 1 ? "" : "s")\n")
        }
        writer.flush()
        return .ok
    }

    static func runVerify(env: HandrailEnvironment, expectedHead: String?, options: VerifyOptions, json: Bool, context: CommandContext) throws -> ExitCode {
        let out = context.output
        // The checkpoints are read before the log's snapshot is taken: every checkpoint names an
        // event committed before it was written, so the snapshot holds it unless the log changed.
        let anchors: CheckpointChain?
        switch options.readAnchors() {
        case .failure(let error):
            out.error("handrail audit verify: \(error.message)")
            return .usage
        case .success(let chain): anchors = chain
        }
        let total = try env.store.eventCount()
        let progress = ProgressLine(total: total, enabled: !json && total >= 200_000 && isatty(STDERR_FILENO) == 1)
        // Elapsed time for the throughput line: a monotonic clock, not the log's time.
        let started = ContinuousClock.now
        var verifier = ChainVerifier(store: env.store)
        if anchors != nil { verifier.timeTolerance = AnchorVerification.timeTolerance }
        let report = try verifier.verify(progressInterval: 100_000) { [progress] in progress.update($0) }
        progress.finish()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let head = report.headHash.hexString
        var problem = report.problem.map(\.description)
        if problem == nil, let regression = report.timeRegression {
            problem = "event #\(regression.seq) is dated \(regression.time), before an earlier event (\(regression.previousTime)): the clock was set back, or the row was written around Handrail"
        }
        if problem == nil, let expectedHead, expectedHead.lowercased() != head {
            problem = "the chain head is \(head), not the expected \(SafeText.visible(expectedHead)): the log was replaced or rewritten since that head was recorded"
        }
        let extra = try AnchorVerification.check(env: env, anchors: anchors, expectations: options.expectations,
                                                 projections: (anchors != nil || options.projections) && !options.noProjections)
        if problem == nil { problem = extra.problem }
        if json {
            var object: [String: JSONValue] = ["ok": .bool(problem == nil), "events": .number(Double(report.eventsChecked)),
                                               "headSeq": .number(Double(report.headSeq)), "bytesHashed": .number(Double(report.bytesHashed)), "headHash": .string(head)]
            if let bad = report.problem { object["firstBadSeq"] = .number(Double(bad.seq)) }
            if let problem { object["problem"] = .string(problem) }
            extra.addJSON(to: &object)
            out.print(JSONValue.object(object).canonicalText)
            for warning in extra.warnings { out.error("audit verify: WARNING: \(warning)") }
        } else if let problem {
            for warning in extra.warnings { out.error("audit verify: WARNING: \(warning)") }
            out.error("audit verify: FAILED: \(problem)")
        } else {
            for warning in extra.warnings { out.error("audit verify: WARNING: \(warning)") }
            for line in extra.lines { out.print("audit verify: \(line)") }
            let rate = seconds > 0 ? Double(report.bytesHashed) / seconds / 1_000_000 : 0
            out.print("audit verify: ok: \(report.eventsChecked) events, chain intact; head #\(report.headSeq) \(head)")
            out.print(String(format: "(%.2f s, %.0f MB/s of event data)", seconds, rate))
        }
        return problem == nil ? .ok : .refused
    }
}

/// Buffers output into large writes: one write per row would dominate an export's time.
final class StreamWriter {
    private let output: CommandOutput
    private var buffer = ""

    init(output: CommandOutput) {
        self.output = output
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        buffer += text
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        output.raw(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// "verifying 1,200,000 / 10,000,000 (12%)" on stderr, rewritten in place. Immutable, and
/// each update is one write, so workers on several threads may report through it.
final class ProgressLine: Sendable {
    let total: Int64
    let enabled: Bool

    init(total: Int64, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func update(_ done: Int64) {
        guard enabled, total > 0 else { return }
        FileHandle.standardError.write(Data("\rverifying \(done) / \(total) events (\(done * 100 / total)%)".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
