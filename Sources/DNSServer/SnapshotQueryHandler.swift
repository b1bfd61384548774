import DNSAuthority
import Synchronization

/// The current zone snapshot, replaced whole when the publisher builds a new one.
///
/// Readers get the snapshot that was current when they asked and keep it for the whole query,
/// so an answer never mixes two snapshots (RECORDS.md "Authoritative answers").
public final class SnapshotReference: Sendable {
    private let current: Mutex<ZoneSnapshot>

    /// - Parameter initial: the snapshot served until the first `publish`.
    public init(_ initial: ZoneSnapshot = .empty) { current = Mutex(initial) }

    /// The snapshot to answer from now.
    public var snapshot: ZoneSnapshot { current.withLock { $0 } }

    /// Swaps in `snapshot`; queries already running finish on the old one.
    public func publish(_ snapshot: ZoneSnapshot) { current.withLock { $0 = snapshot } }
}

/// Answers queries with DNSAuthority's pure ``Responder`` from the current snapshot.
public struct SnapshotQueryHandler: DNSQueryHandler {
    public let responder: Responder
    public let reference: SnapshotReference

    public init(responder: Responder, reference: SnapshotReference) {
        self.responder = responder
        self.reference = reference
    }

    public func respond(to query: UnsafeRawBufferPointer, overTCP: Bool) -> [UInt8]? {
        responder.respond(to: query, transport: overTCP ? .tcp : .udp, snapshot: reference.snapshot)
    }
}
