import Synchronization

/// The response-rate-limit table: a fixed array of buckets shared by every event loop
/// (NSD `rrl.c`, Knot `rrl.c`; ISC "Response Rate Limiting in the DNS").
///
/// Each bucket is one 64-bit word updated with a compare-and-swap: a 16-bit tag of the key
/// and a 48-bit "theoretical arrival time" in microseconds (the generic cell-rate algorithm,
/// a token bucket that needs only one number). A response is admitted when the bucket's
/// time is at most `(burst − 1) × interval` ahead of now, and then moves it one interval
/// (1/`responsesPerSecond` s) on; so in any window of `t` seconds a bucket admits at most
/// `burst + responsesPerSecond × t` responses. Limited responses leave the bucket as it is.
/// A key whose slot holds another tag takes the slot over as a fresh bucket (NSD's
/// overwrite on collision). Per query: one hash, one load, a CAS retried only if another thread
/// changed the same bucket meanwhile; no locks,
/// no allocation. The clock is passed in, so tests need no sleeps.
public final class ResponseRateLimiter: @unchecked Sendable {
    // @unchecked: `slots` is written only through atomics after init and freed in deinit.

    /// The settings in force.
    public let configuration: RateLimit
    private let slots: UnsafeMutablePointer<Atomic<UInt64>>
    private let slotMask: Int
    private let seed: UInt64
    private let interval: UInt64
    private let tolerance: UInt64
    private let originNanoseconds: UInt64

    private static let timeMask: UInt64 = (1 << 48) - 1

    /// Creates an empty table.
    ///
    /// - Parameters:
    ///   - configuration: rates, burst, prefix lengths and table size.
    ///   - seed: keys the slot hash (random by default, so clients cannot aim at one slot).
    ///   - originNanoseconds: the monotonic clock reading that counts as time zero; later
    ///     readings passed to ``admit(prefix:response:nowNanoseconds:)`` must not be earlier.
    public init(_ configuration: RateLimit, seed: UInt64 = UInt64.random(in: 0...UInt64.max),
                originNanoseconds: UInt64) {
        self.configuration = configuration
        slots = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: configuration.tableSize)
        for index in 0..<configuration.tableSize {
            (slots + index).initialize(to: Atomic(0))
        }
        slotMask = configuration.tableSize - 1
        self.seed = seed
        interval = max(1, 1_000_000 / UInt64(configuration.responsesPerSecond))
        tolerance = UInt64(configuration.burst - 1) * interval
        self.originNanoseconds = originNanoseconds
    }

    deinit {
        slots.deinitialize(count: configuration.tableSize)
        slots.deallocate()
    }

    /// Charges one response to its bucket.
    ///
    /// - Parameters:
    ///   - prefix: the client's address prefix.
    ///   - response: the response's class and name.
    ///   - nowNanoseconds: a monotonic clock reading (the same clock as `originNanoseconds`).
    /// - Returns: `true` to send the response, `false` when the bucket is over its limit.
    public func admit(prefix: ClientPrefix, response: ResponseClass, nowNanoseconds: UInt64) -> Bool {
        let key = Self.key(seed: seed, prefix: prefix, response: response)
        let slot = Int(truncatingIfNeeded: key) & slotMask
        let tag = key >> 48
        // Microseconds since the origin, +1 so that an empty slot (word 0) lies in the past.
        let now = ((nowNanoseconds &- originNanoseconds) / 1000 &+ 1) & Self.timeMask
        var word = slots[slot].load(ordering: .relaxed)
        while true {
            let stored = word >> 48 == tag ? word & Self.timeMask : 0
            let arrival = max(stored, now)
            if arrival - now > tolerance { return false }
            let desired = tag << 48 | ((arrival + interval) & Self.timeMask)
            let (exchanged, current) = slots[slot].compareExchange(
                expected: word, desired: desired, ordering: .relaxed)
            if exchanged { return true }
            // Another thread moved this bucket first: retry with its value (lock-free: some
            // thread always succeeds, so this ends).
            word = current
        }
    }

    /// The 64-bit bucket key: the seeded mix of prefix, class, QTYPE and name hash.
    static func key(seed: UInt64, prefix: ClientPrefix, response: ResponseClass) -> UInt64 {
        var h = seed
        h = mix(h ^ prefix.high)
        h = mix(h ^ prefix.low)
        h = mix(h ^ (UInt64(response.kind.rawValue) << 16 | UInt64(response.qtype)))
        h = mix(h ^ response.nameHash)
        return h
    }

    /// The murmur3 64-bit finalizer after a multiply (a cheap full-avalanche step).
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}
