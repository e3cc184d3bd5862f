import Foundation

/// A whole help desk on one host, through the real command line: `--operators` operators
/// (500), each on a case of their own, each making one decision (`handrail case note`, a new
/// process every time) at Poisson arrivals averaging one every `--think` seconds (10).
/// Open loop: each decision starts at its scheduled moment whether or not earlier ones have
/// finished, and its latency runs from that moment to the process's exit, so a desk that
/// falls behind shows it (no coordinated omission). Any exit other than 0 is an error, with its
/// message kept.
///
/// Then the saturation run: `--saturation-workers` operators (50) issuing decisions back to
/// back for `--saturation-seconds`, giving decisions per second the host sustains, with their
/// latencies and errors ("database is locked" must never reach an operator).
struct LoadBench {
    let options: BenchOptions
    let report: BenchReport

    func run() {
        let desk = BenchDesk(options: options, name: "load")
        let logins = (0..<options.operators).map { String(format: "op%04d", $0) }
        FileHandle.standardError.write(Data("load: enrolling \(logins.count) operators and opening their cases…\n".utf8))
        var cases: [String] = []
        for login in logins {
            // bench, the senior admin `handrail init` named, adds each operator.
            desk.run(["operator", "add", login, "--role", "agent"])
            cases.append(desk.openCase(subject: "\(login)@example.com", login: login))
        }
        let environments = Environments(logins.map { login in Self.cEnvironment(desk.environment(login: login)) })
        let caseIDs = cases

        // Realistic pace: per operator, exponential gaps with mean `think`.
        var schedule: [(at: Double, op: Int)] = []
        var random = SystemRandomNumberGenerator()
        for op in 0..<logins.count {
            var t = -log(1 - Double.random(in: 0..<1, using: &random)) * options.think
            while t < options.loadSeconds {
                schedule.append((t, op))
                t += -log(1 - Double.random(in: 0..<1, using: &random)) * options.think
            }
        }
        schedule.sort { $0.at < $1.at }
        print(String(format: "load: %d operators, one decision each every %.0f s on average (Poisson), for %.0f s: %d decisions",
                     logins.count, options.think, options.loadSeconds, schedule.count))
        let paced = OpenLoop(schedule: schedule, workers: 96) { op, n in
            Self.spawn([desk.handrail, "case", "note", caseIDs[op], "Load note \(n) on the operator's call"], environment: environments.blocks[op])
        }.run()
        let p50 = quantile(paced.latencies, 0.5), p99 = quantile(paced.latencies, 0.99)
        print(String(format: "load: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors", p50 * 1000, p99 * 1000,
                     (paced.latencies.max() ?? 0) * 1000, paced.errors.count))
        for (message, count) in Dictionary(paced.errors.map { ($0, 1) }, uniquingKeysWith: +).sorted(by: { $0.value > $1.value }).prefix(5) {
            print("load: error ×\(count): \(message)")
        }
        report.add("\(logins.count) operators, 1 decision/\(Int(options.think)) s each (Poisson), CLI: p50 / p99",
                   ours: String(format: "%.1f / %.1f ms", p50 * 1000, p99 * 1000), peer: "", ratio: "",
                   budget: "p99 ≤ 50 ms", met: p99 <= 0.050)
        report.add("  … errors (exit ≠ 0) at that pace", ours: "\(paced.errors.count) of \(paced.latencies.count)",
                   budget: "0", met: paced.errors.isEmpty)

        // Saturation: closed loop, as fast as the host goes.
        let workers = min(options.saturationWorkers, logins.count)
        let saturated = ClosedLoop(workers: workers, seconds: options.saturationSeconds) { op, n in
            Self.spawn([desk.handrail, "case", "note", caseIDs[op], "Saturation note \(n)"], environment: environments.blocks[op])
        }.run()
        let rate = Double(saturated.latencies.count) / options.saturationSeconds
        let sp50 = quantile(saturated.latencies, 0.5), sp99 = quantile(saturated.latencies, 0.99)
        print(String(format: "saturation: %d operators back to back for %.0f s: %.1f decisions/s, p50 %.1f ms, p99 %.1f ms, %d errors",
                     workers, options.saturationSeconds, rate, sp50 * 1000, sp99 * 1000, saturated.errors.count))
        for (message, count) in Dictionary(saturated.errors.map { ($0, 1) }, uniquingKeysWith: +).sorted(by: { $0.value > $1.value }).prefix(5) {
            print("saturation: error ×\(count): \(message)")
        }
        report.add("saturation, \(workers) operators back to back, CLI", ours: String(format: "%.1f decisions/s", rate),
                   peer: String(format: "p50 %.0f ms, p99 %.0f ms", sp50 * 1000, sp99 * 1000), ratio: "", budget: "reported", met: nil)
        report.add("  … errors (exit ≠ 0) at saturation", ours: "\(saturated.errors.count) of \(saturated.latencies.count)",
                   budget: "0", met: saturated.errors.isEmpty)
    }

    /// A C environment block, built once per operator rather than per decision.
    static func cEnvironment(_ extra: [String: String]) -> [UnsafeMutablePointer<CChar>?] {
        spawnStrings([], environment: extra).1
    }

    /// Runs one process to its exit: nil when it exited 0, else its first line on stderr.
    static func spawn(_ argv: [String], environment: [UnsafeMutablePointer<CChar>?]) -> String? {
        let errors = NSTemporaryDirectory() + "handrail-load-\(UUID().uuidString).err"
        defer { unlink(errors) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, cArgs, environment) == 0 else { return "could not start \(argv[0])" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status >> 8) & 0xFF
        guard status != 0 else { return nil }
        let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        return "exit \(code): " + (text.split(separator: "\n").first.map(String.init) ?? "(nothing on stderr)")
    }
}

/// The operators' C environment blocks, built once and only read by the threads that spawn.
final class Environments: @unchecked Sendable {
    let blocks: [[UnsafeMutablePointer<CChar>?]]
    init(_ blocks: [[UnsafeMutablePointer<CChar>?]]) { self.blocks = blocks }
}

/// Latencies and error messages of a run.
struct LoadResult {
    var latencies: [Double] = []
    var errors: [String] = []
}

/// Decisions started at their scheduled moments by a pool of threads; latency from the moment.
struct OpenLoop {
    let schedule: [(at: Double, op: Int)]
    let workers: Int
    let decide: @Sendable (Int, Int) -> String?

    init(schedule: [(at: Double, op: Int)], workers: Int, decide: @escaping @Sendable (Int, Int) -> String?) {
        self.schedule = schedule
        self.workers = workers
        self.decide = decide
    }

    func run() -> LoadResult {
        let state = Shared()
        let start = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        let schedule = self.schedule, decide = self.decide
        for _ in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                while let n = state.take(schedule.count) {
                    let item = schedule[n]
                    let due = start + UInt64(item.at * 1e9)
                    let now = DispatchTime.now().uptimeNanoseconds
                    if due > now { usleep(UInt32((due - now) / 1000)) } // waiting for its scheduled moment
                    let error = decide(item.op, n)
                    let latency = Double(DispatchTime.now().uptimeNanoseconds - due) / 1e9
                    state.record(latency, error)
                }
                group.leave()
            }
        }
        group.wait()
        return state.result
    }
}

/// `workers` operators, each deciding again as soon as the last decision returns, for `seconds`.
struct ClosedLoop {
    let workers: Int
    let seconds: Double
    let decide: @Sendable (Int, Int) -> String?

    init(workers: Int, seconds: Double, decide: @escaping @Sendable (Int, Int) -> String?) {
        self.workers = workers
        self.seconds = seconds
        self.decide = decide
    }

    func run() -> LoadResult {
        let state = Shared()
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let group = DispatchGroup()
        let decide = self.decide
        for op in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                var n = 0
                while DispatchTime.now().uptimeNanoseconds < end {
                    let begin = DispatchTime.now().uptimeNanoseconds
                    let error = decide(op, n)
                    state.record(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9, error)
                    n += 1
                }
                group.leave()
            }
        }
        group.wait()
        return state.result
    }
}

/// What the threads of a run share: the next item to start, and what finished.
final class Shared: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var collected = LoadResult()

    func take(_ count: Int) -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func record(_ latency: Double, _ error: String?) {
        lock.withLock {
            collected.latencies.append(latency)
            if let error { collected.errors.append(error) }
        }
    }

    var result: LoadResult { lock.withLock { collected } }
}
