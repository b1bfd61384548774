import RecordBuilder

/// A digest of what a snapshot publishes: the hosted TXT records in order, the policy bodies
/// by host and the macro-mode address sets by name. ``ReloadService`` compares digests to decide
/// whether the SOA serial must move (RECORDS.md: the serial increases with every published
/// change) without keeping a second copy of every record, and the snapshot image stores it so
/// a restart that publishes the same content keeps the serial.
///
/// FNV-1a with 128-bit state over an unambiguous encoding (every text length-prefixed), so it
/// is stable across processes and builds.
public struct ContentDigest: Equatable, Sendable, CustomStringConvertible {
    /// The 128-bit value.
    public let value: UInt128

    /// Wraps a stored value.
    public init(value: UInt128) { self.value = value }

    /// The digest of a snapshot's content.
    /// - Parameter zone: the operator facts that shape H and R besides the records (name
    ///   servers, SOA fields, policy-server addresses); `nil` leaves them out (tests of the
    ///   record part only).
    public init(records: [HostedTXT], policies: [String: String], addressSets: [String: AddressSet],
                zone: ZoneParameters? = nil) {
        var hash = FNV128()
        if let zone {
            hash.add(1)
            for text in [zone.hostedZone, zone.reportZone, zone.hostmaster] { hash.add(text) }
            hash.add(UInt64(zone.nameServers.count))
            for server in zone.nameServers { hash.add(server) }
            for number in [zone.refresh, zone.retry, zone.expire, zone.minimum, zone.soaTTL, zone.recordTTL] {
                hash.add(UInt64(number))
            }
            hash.add(UInt64(zone.policyAddresses.count))
            for address in zone.policyAddresses { hash.add(address) }
        } else {
            hash.add(0)
        }
        hash.add(UInt64(records.count))
        for record in records {
            hash.add(record.owner)
            hash.add(UInt64(record.strings.count))
            for string in record.strings { hash.add(string) }
        }
        hash.add(UInt64(policies.count))
        for key in policies.keys.sorted() {
            hash.add(key)
            hash.add(policies[key]!)
        }
        hash.add(UInt64(addressSets.count))
        for key in addressSets.keys.sorted() {
            let set = addressSets[key]!
            hash.add(key)
            hash.add(UInt64(set.v4.intervals.count))
            for interval in set.v4.intervals {
                hash.add(UInt64(interval.lower))
                hash.add(UInt64(interval.upper))
            }
            hash.add(UInt64(set.v6.intervals.count))
            for interval in set.v6.intervals {
                hash.add(UInt64(truncatingIfNeeded: interval.lower >> 64))
                hash.add(UInt64(truncatingIfNeeded: interval.lower))
                hash.add(UInt64(truncatingIfNeeded: interval.upper >> 64))
                hash.add(UInt64(truncatingIfNeeded: interval.upper))
            }
        }
        value = hash.state
    }

    /// Parses ``description``'s form; nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 32, let value = UInt128(hex, radix: 16) else { return nil }
        self.value = value
    }

    /// 32 hex digits.
    public var description: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 32 - hex.count) + hex
    }
}

/// FNV-1a, 128-bit (offset basis and prime from the FNV specification).
struct FNV128 {
    private(set) var state: UInt128 = 0x6C62_272E_07BB_0142_62B8_2175_6295_C58D
    private static let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B

    mutating func add(byte: UInt8) {
        state ^= UInt128(byte)
        state = state &* Self.prime
    }

    mutating func add(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { add(byte: UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Adds the octet count, then the UTF-8 octets.
    mutating func add(_ text: String) {
        add(UInt64(text.utf8.count))
        for byte in text.utf8 { add(byte: byte) }
    }
}
