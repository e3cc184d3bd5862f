import Foundation

/// Somewhere outside the database that a checkpoint is written to: infrastructure the
/// operators do not control once it has the line (a syslog collector, an append-only file).
public protocol CheckpointSink {
    /// A short name for reports and the backlog ("syslog", "file").
    var name: String { get }
    func deliver(_ checkpoint: Checkpoint) throws(AnchorError)
}

/// The system log: one RFC 5424 message per checkpoint, facility authpriv (10), severity
/// notice (5), so PRI = 10 × 8 + 5 = 85 (RFC 5424 §6.2.1), sent as one datagram to the local
/// syslog socket (`/dev/log` unless configured), where journald or rsyslog take it and forward
/// it to a collector the operators do not control. authpriv is the facility syslog.conf(5)
/// keeps for security messages and routes to a file only root reads.
public struct SyslogSink: CheckpointSink {
    public let name = "syslog"
    public let socketPath: String
    public let hostname: String
    public let processID: Int32

    public init(socketPath: String = "/dev/log", hostname: String? = nil, processID: Int32 = getpid()) {
        self.socketPath = socketPath
        self.processID = processID
        if let hostname {
            self.hostname = hostname
        } else {
            var buffer = [CChar](repeating: 0, count: 256)
            gethostname(&buffer, buffer.count - 1)
            let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            self.hostname = name.isEmpty ? "-" : name
        }
    }

    /// `<85>1 TIMESTAMP HOSTNAME handrail PROCID checkpoint - MSG` (RFC 5424 §6): no structured
    /// data; the message is the checkpoint line, plain ASCII.
    public func message(_ checkpoint: Checkpoint) -> String {
        let host = String(hostname.unicodeScalars.filter { $0.value > 32 && $0.value < 127 }.prefix(255).map(Character.init))
        return "<85>1 \(CheckpointTime.format(checkpoint.timeMilliseconds)) \(host.isEmpty ? "-" : host) handrail \(processID) checkpoint - \(checkpoint.line)"
    }

    public func deliver(_ checkpoint: Checkpoint) throws(AnchorError) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw .io(socketPath, "cannot make a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // A stalled syslog daemon must not hold an operator's command for ever (socket(7) SO_SNDTIMEO).
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw .io(socketPath, "socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let bytes = Array(message(checkpoint).utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, bytes.count, 0, sa, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        }
        guard sent == bytes.count else { throw .io(socketPath, "syslog did not take the checkpoint: \(String(cString: strerror(errno)))") }
    }
}

/// An append-only file of checkpoint lines. Opened with O_APPEND on every write, so the file
/// works when root has made it append-only (`chattr +a`, chattr(1): "can only be opened in
/// append mode for writing"): Handrail, and whoever owns its account, can add lines and never
/// change or remove one.
public struct CheckpointFileSink: CheckpointSink {
    public let name = "file"
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func deliver(_ checkpoint: Checkpoint) throws(AnchorError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .io(path, "cannot open the checkpoint file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array((checkpoint.line + "\n").utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, bytes.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw .io(path, "cannot write the checkpoint: \(String(cString: strerror(errno)))")
        }
    }
}
