import Synchronization

/// Counts live TCP connections against a cap (RFC 7766 §6.2.2).
final class ManagedConnectionCount: Sendable {
    private let count = Mutex(0)

    /// Takes a slot if fewer than `limit` are taken. - Returns: whether a slot was taken.
    func acquire(limit: Int) -> Bool {
        count.withLock { n in
            if n >= limit { return false }
            n += 1
            return true
        }
    }

    /// Gives a slot back.
    func release() { count.withLock { $0 -= 1 } }

    /// Slots taken now.
    var current: Int { count.withLock { $0 } }
}
