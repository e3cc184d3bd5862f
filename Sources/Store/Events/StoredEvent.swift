import Engine
import Foundation
import Runbook

/// An event as the log holds it: the Engine's event plus its place in the log and its hashes.
public struct StoredEvent: Sendable, Equatable {
    public var seq: Int64
    public var caseSeq: Int
    public var event: CaseEvent
    /// The payload exactly as stored (canonical JSON): what the hash covers.
    public var payloadText: String
    public var previousHash: [UInt8]
    public var hash: [UInt8]

    public var timeText: String { EventTime.format(event.time) }
}
