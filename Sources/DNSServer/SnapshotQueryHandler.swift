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
///
/// The transports take the snapshot once per batch of messages (``pinnedForBatch()``), so the
/// snapshot's lock is taken once per `recvmmsg` batch or TCP read, not once per query; a
/// publish is seen from the next batch on.
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

    public func respond(to query: UnsafeRawBufferPointer, overTCP: Bool, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        responder.respond(to: query, transport: overTCP ? .tcp : .udp, snapshot: reference.snapshot, into: buffer)
    }

    public func responseCapacity(overTCP: Bool) -> Int { responder.responseCapacity(for: overTCP ? .tcp : .udp) }

    public func pinnedForBatch() -> any DNSQueryHandler {
        PinnedSnapshotHandler(responder: responder, snapshot: reference.snapshot)
    }
}

/// A ``SnapshotQueryHandler`` fixed to one snapshot for one batch of messages.
struct PinnedSnapshotHandler: DNSQueryHandler {
    let responder: Responder
    let snapshot: ZoneSnapshot

    func respond(to query: UnsafeRawBufferPointer, overTCP: Bool) -> [UInt8]? {
        responder.respond(to: query, transport: overTCP ? .tcp : .udp, snapshot: snapshot)
    }

    func respond(to query: UnsafeRawBufferPointer, overTCP: Bool, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        responder.respond(to: query, transport: overTCP ? .tcp : .udp, snapshot: snapshot, into: buffer)
    }

    func responseCapacity(overTCP: Bool) -> Int { responder.responseCapacity(for: overTCP ? .tcp : .udp) }

    func pinnedForBatch() -> any DNSQueryHandler { self }
}
