import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The MTA-STS policy bodies being served, by policy host, swapped atomically.
///
/// Keys are policy hosts in key form (`mta-sts.example.com`, see ``PolicyHost``); values are the
/// exact bodies served (RFC 8461 §3.2: CRLF lines, `version` first). The whole set is replaced in
/// one step by ``replace(with:)`` from each published snapshot, so a reader sees either the old
/// set or the new one, never a mix (RFC 8461 §8.1: the body is served no later than the TXT `id`
/// that announces it, so publish the store before the zone). Reads take a lock only to copy a
/// reference to the immutable table.
///
/// The table is compact: hosts sorted, back to back in one byte array, bodies in another, found by
/// binary search. No object per host: at 100,000 customers a dictionary of strings would be
/// 200,000 small heap objects made during each rebuild, scattered among the rebuild's garbage and
/// keeping its pages resident after it is freed.
public final class PolicyStore: Sendable {
    /// Largest accepted body, in octets (RFC 8461 §3.3: senders may stop reading at 64 KiB).
    public static let maximumBodySize = 65_536

    private let current: Mutex<Table>

    /// Policy hosts (key form, sorted by octets) and bodies in flat arrays.
    struct Table: Sendable {
        var hosts: [UInt8] = []
        /// Start of host `i` in `hosts`, plus the end (count = entries + 1).
        var hostStarts: [UInt32] = [0]
        var bodies: [UInt8] = []
        /// Start of body `i` in `bodies`, plus the end.
        var bodyStarts: [UInt32] = [0]

        var count: Int { hostStarts.count - 1 }

        func host(_ i: Int) -> String {
            String(decoding: hosts[Int(hostStarts[i])..<Int(hostStarts[i + 1])], as: UTF8.self)
        }

        func body(_ i: Int) -> String {
            String(decoding: bodies[Int(bodyStarts[i])..<Int(bodyStarts[i + 1])], as: UTF8.self)
        }

        /// The index of `key` (key form), by binary search over the sorted hosts.
        func index(of key: String) -> Int? {
            var key = key
            return key.withUTF8 { wanted -> Int? in
                hosts.withUnsafeBufferPointer { all -> Int? in
                    var low = 0
                    var high = count
                    while low < high {
                        let mid = (low + high) / 2
                        let start = Int(hostStarts[mid])
                        let length = Int(hostStarts[mid + 1]) - start
                        let common = min(length, wanted.count)
                        var order = common == 0 ? 0 : Int(memcmp(all.baseAddress! + start, wanted.baseAddress!, common))
                        if order == 0 { order = length - wanted.count }
                        if order < 0 {
                            low = mid + 1
                        } else if order > 0 {
                            high = mid
                        } else {
                            return mid
                        }
                    }
                    return nil
                }
            }
        }
    }

    /// Creates a store serving `policies` (policy host → body).
    /// - Throws: ``PolicyServerError`` for a bad host or an oversized body.
    public init(policies: [String: String] = [:]) throws(PolicyServerError) {
        current = Mutex(try Self.validated(policies))
    }

    /// Replaces every policy at once with `policies` (policy host → body).
    /// - Throws: ``PolicyServerError`` for a bad host or an oversized body; the old set stays.
    public func replace(with policies: [String: String]) throws(PolicyServerError) {
        let validated = try Self.validated(policies)
        current.withLock { $0 = validated }
    }

    /// The body served for `host` (any case, trailing dot allowed), or `nil`.
    public func policy(forHost host: String) -> String? {
        guard let key = try? PolicyHost.normalize(host) else { return nil }
        let table = current.withLock { $0 }
        return table.index(of: key).map(table.body)
    }

    /// Number of policies served.
    public var count: Int { current.withLock { $0.count } }

    /// The hosts currently served, in key form.
    public var hosts: Set<String> {
        let table = current.withLock { $0 }
        return Set((0..<table.count).map(table.host))
    }

    /// The current policies as a dictionary (made on each call; for tests and tools, not the
    /// request path).
    public func snapshot() -> [String: String] {
        let table = current.withLock { $0 }
        var result: [String: String] = [:]
        result.reserveCapacity(table.count)
        for i in 0..<table.count { result[table.host(i)] = table.body(i) }
        return result
    }

    private static func validated(_ policies: [String: String]) throws(PolicyServerError) -> Table {
        // Keys in key form back to back, bodies by entry, then an index sorted by key octets:
        // no string is made or moved per entry.
        var keys: [UInt8] = []
        var keyStarts: [UInt32] = [0]
        keyStarts.reserveCapacity(policies.count + 1)
        var bodies: [String] = []
        bodies.reserveCapacity(policies.count)
        var bodyOctets = 0
        for (host, body) in policies {
            try PolicyHost.appendKeyForm(of: host, to: &keys)
            let octets = body.utf8.count
            guard octets <= maximumBodySize else {
                let start = Int(keyStarts[keyStarts.count - 1])
                throw .policyTooLarge(host: String(decoding: keys[start...], as: UTF8.self), octets: octets)
            }
            keyStarts.append(UInt32(keys.count))
            bodies.append(body)
            bodyOctets += octets
        }
        var order = (0..<bodies.count).map { Int32($0) }
        keys.withUnsafeBufferPointer { keys in
            keyStarts.withUnsafeBufferPointer { starts in
                func compare(_ a: Int32, _ b: Int32) -> Int {
                    let (a0, a1) = (Int(starts[Int(a)]), Int(starts[Int(a) + 1]))
                    let (b0, b1) = (Int(starts[Int(b)]), Int(starts[Int(b) + 1]))
                    let common = min(a1 - a0, b1 - b0)
                    let order = common == 0 ? 0 : Int(memcmp(keys.baseAddress! + a0, keys.baseAddress! + b0, common))
                    return order != 0 ? order : (a1 - a0) - (b1 - b0)
                }
                order.sort { compare($0, $1) < 0 }
                // Two hosts with one key form: the later in `order` wins, as a dictionary would.
                var kept: [Int32] = []
                kept.reserveCapacity(order.count)
                for (position, entry) in order.enumerated()
                where position + 1 == order.count || compare(entry, order[position + 1]) != 0 {
                    kept.append(entry)
                }
                order = kept
            }
        }
        var table = Table()
        table.hosts.reserveCapacity(keys.count)
        table.bodies.reserveCapacity(bodyOctets)
        table.hostStarts.reserveCapacity(order.count + 1)
        table.bodyStarts.reserveCapacity(order.count + 1)
        for entry in order.map(Int.init) {
            table.hosts.append(contentsOf: keys[Int(keyStarts[entry])..<Int(keyStarts[entry + 1])])
            table.hostStarts.append(UInt32(table.hosts.count))
            table.bodies.append(contentsOf: bodies[entry].utf8)
            table.bodyStarts.append(UInt32(table.bodies.count))
        }
        return table
    }
}
