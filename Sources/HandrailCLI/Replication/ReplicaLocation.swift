import Foundation
import Runbook

/// Where the replica is, as Litestream names it: a folder (written `file:///…`), or an
/// `s3://`, `sftp://`, `gs://`, `abs://` or `file://` URL.
struct ReplicaLocation: Sendable, Equatable {
    let url: String

    static let schemes = ["file", "s3", "sftp", "gs", "abs", "webdav", "nats"]

    /// `text` as typed in the configuration or on the command line; nil for what Litestream
    /// would not understand.
    init?(_ text: String, relativeTo base: String = FileManager.default.currentDirectoryPath) {
        let trimmed = text.trimmingBlanks()
        guard !trimmed.isEmpty, !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        if let colon = trimmed.range(of: "://") {
            guard Self.schemes.contains(String(trimmed[..<colon.lowerBound])) else { return nil }
            url = trimmed
        } else {
            let absolute = trimmed.hasPrefix("/") ? trimmed : (base as NSString).appendingPathComponent(trimmed)
            url = "file://" + (absolute as NSString).standardizingPath
        }
    }

    /// The folder, for a file replica.
    var folder: String? {
        url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : nil
    }
}
