import Engine
import Foundation
import Runbook
import Store

/// Start-up as an operator meets it, whole process against whole process, paired run by run:
/// `handrail --version` against `dialog --version`, and the wizard's queue on a pseudo-terminal
/// (1M events, 50k cases) to its first complete frame against `dialog --menu` and
/// `whiptail --menu` showing a menu of the same size, with each one's own peak memory.
struct StartupBench {
    let options: BenchOptions
    let report: BenchReport

    func run() {
        version()
        firstFrame()
    }

    func version() {
        let handrail = options.handrailExecutable
        guard let dialog = which("dialog") else {
            print("startup: dialog is not installed (apt-get install dialog); --version not compared in this run")
            return
        }
        var ours: [Double] = [], peer: [Double] = [], ourCPU: [Double] = [], peerCPU: [Double] = []
        for n in 0..<max(21, options.runs * 8) {
            let o = runChild([handrail, "--version"])
            let p = runChild([dialog, "--version"])
            precondition(o.status == 0 && p.status == 0, "--version failed: handrail \(o.status), dialog \(p.status)")
            if n > 0 { ours.append(o.seconds); peer.append(p.seconds); ourCPU.append(o.cpuSeconds); peerCPU.append(p.cpuSeconds) }
        }
        let (o, p) = (median(ours), median(peer))
        print(String(format: "startup: handrail --version %.2f ms, dialog --version %.2f ms (medians of %d pairs)", o * 1000, p * 1000, ours.count))
        report.add("handrail --version, whole process", ours: ms(o), peer: ms(p) + " dialog --version",
                   ratio: String(format: "%.2f×", o / p), budget: "≤ 3 ms", met: o <= 0.003)
        let (oc, pc) = (median(ourCPU), median(peerCPU))
        report.add("  … its CPU time (user + sys)", ours: ms(oc), peer: ms(pc) + " dialog --version",
                   ratio: String(format: "%.2f×", oc / pc), budget: "reported", met: nil)
    }

    func firstFrame() {
        let runbook = loadRunbook()
        let database = options.workdir.appendingPathComponent("queue-1m.db").path
        if !FileManager.default.fileExists(atPath: database) { TUIBench(options: options, report: report).generate(path: database, runbook: runbook) }
        let config = options.workdir.appendingPathComponent("startup-config")
        try? FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        let terminal = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        let env = terminal.merging(["HANDRAIL_DB": database, "HANDRAIL_LOGIN": "bench", "HANDRAIL_PLATFORM": "manual",
                                    "HANDRAIL_RUNBOOKS": loadRunbookFolder(), "XDG_CONFIG_HOME": config.path, "TZ": "UTC"]) { $1 }
        // A menu as long as the queue's page: 20 cases.
        let items = (0..<20).flatMap { ["HR-Q\(String(format: "%07d", $0))", "open  verify_identity  user\($0)@example.com"] }
        var peers: [(name: String, argv: [String])] = []
        if let dialog = which("dialog") { peers.append(("dialog --menu", [dialog, "--menu", "Queue", "28", "96", "20"] + items)) }
        if let whiptail = which("whiptail") { peers.append(("whiptail --menu", [whiptail, "--menu", "Queue", "28", "96", "20"] + items)) }

        var ours: [Double] = [], ourCPU: [Double] = [], ourPeak = 0, frameText = ""
        var peerTimes = Array(repeating: [Double](), count: peers.count), peerPeaks = Array(repeating: 0, count: peers.count)
        var peerCPU = Array(repeating: [Double](), count: peers.count)
        for n in 0..<max(11, options.runs * 3) {
            guard let o = PseudoTerminal.run([options.handrailExecutable], environment: env) else { fatalError("the wizard drew nothing on the pty") }
            frameText = o.text
            for (i, peer) in peers.enumerated() {
                guard let p = PseudoTerminal.run(peer.argv, environment: terminal) else { fatalError("\(peer.name) drew nothing on the pty") }
                if n > 0 { peerTimes[i].append(p.firstFrameSeconds); peerCPU[i].append(p.cpuSeconds) }
                peerPeaks[i] = max(peerPeaks[i], p.peakRSSBytes)
            }
            if n > 0 { ours.append(o.firstFrameSeconds); ourCPU.append(o.cpuSeconds) }
            ourPeak = max(ourPeak, o.peakRSSBytes)
        }
        precondition(frameText.contains("HR-Q"), "the first frame is not the queue: \(frameText.prefix(400))")
        let o = median(ours)
        let peerText = peers.indices.map { String(format: "%@ %.2f ms", peers[$0].name, median(peerTimes[$0]) * 1000) }.joined(separator: ", ")
        print(String(format: "startup: queue's first frame on a pty %.2f ms (1M events); %@ (medians of %d)", o * 1000, peerText, ours.count))
        let best = peers.indices.map { median(peerTimes[$0]) }.min()
        report.add("queue first frame on a pty, 1M events", ours: ms(o),
                   peer: peers.indices.map { ms(median(peerTimes[$0])) + " " + peers[$0].name }.joined(separator: ", "),
                   ratio: best.map { String(format: "%.2f×", o / $0) } ?? "", budget: "≤ 1.5× dialog", met: best.map { o / $0 <= 1.5 })
        let bestCPU = peers.indices.map { median(peerCPU[$0]) }.min()
        report.add("  … its CPU time (user + sys, to exit after the frame)", ours: ms(median(ourCPU)),
                   peer: peers.indices.map { ms(median(peerCPU[$0])) + " " + peers[$0].name }.joined(separator: ", "),
                   ratio: bestCPU.map { String(format: "%.2f×", median(ourCPU) / $0) } ?? "", budget: "reported", met: nil)
        report.add("peak RSS, wizard on 1M events (own VmHWM)", ours: megabytes(ourPeak),
                   peer: peers.indices.map { megabytes(peerPeaks[$0]) + " " + peers[$0].name }.joined(separator: ", "),
                   ratio: "", budget: "≤ 32 MB", met: ourPeak <= 32_000_000)
    }
}

/// The first executable called `name` on PATH.
func which(_ name: String) -> String? {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(name)" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}
