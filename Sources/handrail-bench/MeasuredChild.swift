import Foundation
import Runbook

/// A child's wall time, CPU time and its own peak resident memory.
///
/// `ru_maxrss` from wait4 is not the child's own peak here: glibc's posix_spawn starts the child
/// with clone(CLONE_VM|CLONE_VFORK), so until exec it runs in the parent's address space, and
/// Linux folds that address space's high-water mark into the child's `maxrss` at exec
/// (`setmax_mm_hiwater_rss` in fs/exec.c). A benchmark that has generated millions of events in
/// process is a large parent, and every child then "peaks" at its size. The child's own peak is
/// `VmHWM` in /proc/PID/status (proc(5)), a high-water mark of the new address space only; it
/// is read every millisecond while the child runs, and the last reading kept.
struct MeasuredRun {
    var seconds: Double
    var cpuSeconds: Double
    /// The child's own peak resident set (VmHWM), in bytes.
    var peakBytes: Int
    /// wait4's ru_maxrss, in bytes, shown beside it: what the old measurement reported.
    var rusageMaxRSSBytes: Int
    var status: Int32
}

func runMeasured(_ argv: [String], stdout path: String = "/dev/null", environment: [String: String] = [:]) -> MeasuredRun {
    let start = DispatchTime.now().uptimeNanoseconds
    guard let pid = spawnChild(argv, stdout: path, environment: environment) else {
        return MeasuredRun(seconds: 0, cpuSeconds: 0, peakBytes: 0, rusageMaxRSSBytes: 0, status: -1)
    }
    let sampler = PeakSampler(pid: pid)
    sampler.start()
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let peak = sampler.stop()
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    return MeasuredRun(seconds: seconds, cpuSeconds: cpu, peakBytes: peak, rusageMaxRSSBytes: Int(usage.ru_maxrss) * 1024,
                       status: (status >> 8) & 0xFF)
}

/// Reads a process's VmHWM from /proc/PID/status until stopped.
final class PeakSampler: @unchecked Sendable {
    private let pid: pid_t
    private let lock = NSLock()
    private var stopped = false
    private var peak = 0
    private let finished = DispatchSemaphore(value: 0)

    init(pid: pid_t) {
        self.pid = pid
    }

    func start() {
        Thread.detachNewThread { [self] in
            let path = "/proc/\(pid)/status"
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !lock.withLock({ stopped }) {
                if let kB = Self.readHighWater(path, &buffer) { lock.withLock { peak = max(peak, kB * 1024) } }
                usleep(1000)
            }
            finished.signal()
        }
    }

    /// Stops sampling; the highest VmHWM seen, in bytes.
    func stop() -> Int {
        lock.withLock { stopped = true }
        finished.wait()
        return lock.withLock { peak }
    }

    /// The `VmHWM:` line of a status file, in kB (proc(5)); nil once the process is gone.
    static func readHighWater(_ path: String, _ buffer: inout [UInt8]) -> Int? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.dropFirst(6).trimmingBlanks().split(separator: " ").first ?? "")
    }
}
