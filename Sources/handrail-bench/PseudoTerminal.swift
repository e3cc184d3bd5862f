import Foundation

/// A whole program started on a pseudo-terminal of its own, timed to its first complete frame:
/// the way an operator meets the wizard (and `dialog`/`whiptail`, its peers), process start,
/// dynamic loading and all, not a view rendered in-process.
///
/// The pair comes from /dev/ptmx (posix_openpt(3), unlocked as unlockpt(3) does); the child is started with posix_spawn
/// and POSIX_SPAWN_SETSID, so it leads a new session, and opens the pty's slave as fds 0–2:
/// the first terminal a session leader opens without O_NOCTTY becomes its controlling terminal
/// (credentials(7), "Sessions"). The window is set on the pty (TIOCSWINSZ, tty_ioctl(4)) before
/// the child starts, so both programs see the same 100×30 screen.
///
/// "First complete frame" is the last byte the program wrote before the screen went quiet for
/// `quiet`: a full-screen program draws a frame and then waits for a key. The quiet time itself
/// is not counted; the figure is start → last byte of the frame.
struct PseudoTerminalRun {
    /// Start to the last byte of the first frame.
    var firstFrameSeconds: Double
    /// Bytes the first frame took.
    var bytes: Int
    /// The program's own peak resident set (VmHWM of /proc/PID/status, read after the frame while
    /// the program waits for a key): the high-water mark of its own address space, which starts
    /// empty at exec, so nothing of this benchmark's memory is in it.
    var peakRSSBytes: Int
    /// The screen's text (escape sequences removed), to check the frame is the one wanted.
    var text: String
    /// The program's CPU time, user + system, from start to its exit when told to stop after the
    /// frame (wait4's rusage): the frame's work plus leaving full-screen mode.
    var cpuSeconds: Double
}

enum PseudoTerminal {
    /// POSIX_SPAWN_SETSID (glibc's spawn.h, 0x80), which Glibc's module map does not export.
    static let spawnSetSID: Int16 = 0x80
    /// TIOCSPTLCK (_IOW('T', 0x31, int)) and TIOCGPTN (_IOR('T', 0x30, unsigned int)) of
    /// asm-generic/ioctls.h: macros of macros, which Swift does not import.
    static let setLock: UInt = 0x4004_5431
    static let getNumber: UInt = 0x8004_5430

    static func run(_ argv: [String], environment: [String: String], width: Int = 100, height: Int = 30,
                    quiet: Double = 0.4, timeout: Double = 20) -> PseudoTerminalRun? {
        // posix_openpt(3) is open(2) of the multiplexor; unlockpt and ptsname are these ioctls
        // (pts(4)): Glibc's module map does not export the XSI functions to Swift.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { return nil }
        defer { close(master) }
        var unlock: Int32 = 0, number: UInt32 = 0
        guard ioctl(master, Self.setLock, &unlock) == 0, ioctl(master, Self.getNumber, &number) == 0 else { return nil }
        let slave = "/dev/pts/\(number)"
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Self.spawnSetSID)

        let (cArgs, cEnv) = spawnStrings(argv, environment: environment)
        defer { (cArgs + cEnv).forEach { free($0) } }

        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, cEnv) == 0 else { return nil }

        var output: [UInt8] = []
        var lastByte = start
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = start + UInt64(timeout * 1e9)
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            if !output.isEmpty && now - lastByte >= UInt64(quiet * 1e9) { break }
            if now > deadline { break }
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let waitMs = output.isEmpty ? 50 : max(1, Int32((Double(UInt64(quiet * 1e9) - (now - lastByte)) / 1e6).rounded(.up)))
            guard poll(&poller, 1, waitMs) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            output += buffer[0..<n]
            lastByte = DispatchTime.now().uptimeNanoseconds
        }
        let peak = Self.highWaterMark(pid: pid)
        kill(pid, SIGTERM)
        // Drain what the program writes while leaving full-screen mode, so it is never blocked on a full pty.
        var status: Int32 = 0
        var usage = rusage()
        var reaped = false
        for _ in 0..<200 where !reaped {
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 10) > 0 { _ = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) } }
            reaped = wait4(pid, &status, WNOHANG, &usage) == pid
        }
        if !reaped {
            kill(pid, SIGKILL)
            wait4(pid, &status, 0, &usage)
        }
        guard !output.isEmpty else { return nil }
        return PseudoTerminalRun(firstFrameSeconds: Double(lastByte - start) / 1e9, bytes: output.count, peakRSSBytes: peak,
                                 text: visibleText(output), cpuSeconds: usage.cpuSeconds)
    }

    /// VmHWM of a live process, in bytes (proc(5)); 0 when it cannot be read.
    static func highWaterMark(pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kilobytes * 1024
    }

    /// The printable text of a terminal byte stream, escape sequences dropped.
    static func visibleText(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x1B {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
                    i += 1
                    while i < bytes.count, !(0x40...0x7E).contains(bytes[i]) { i += 1 }
                } else if i < bytes.count, bytes[i] == UInt8(ascii: "(") || bytes[i] == UInt8(ascii: ")") {
                    i += 1
                }
                i += 1
                continue
            }
            if bytes[i] >= 0x20 || bytes[i] == 0x0A { out.append(bytes[i]) } else { out.append(0x20) }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
