import DNSCore

/// One SPF macro-mode address set as compiled into a zone: the apex `_ip.D._spf.H`, the
/// table that owns every name below it, and the pre-rendered member answer
/// (RFC 7208 §5.7 `exists`, §7.3 `%{i}`; RECORDS.md "Macro mode").
struct AddressSet: Sendable {
    /// The answer address for a member: `127.0.0.2` (host order).
    static let memberAddress: UInt32 = 0x7F00_0002

    /// The apex of the subtree the table owns.
    let name: DNSName
    /// The addresses that pass.
    let table: AddressRangeTable
    /// `A 127.0.0.2` at the table TTL; its owner is replaced by the query name when sent.
    let answer: PrerenderedRRSet

    /// What a name below the apex is, judged from its labels alone.
    enum Membership: Equatable {
        /// A full address in the table: the name owns `A 127.0.0.2`.
        case member
        /// The name exists without data of its own: the apex, a valid partial address
        /// (QNAME minimisation, RFC 9156), or a non-member IPv4 name that is also a valid
        /// IPv6 nibble suffix (names below it may be members; RFC 8020 forbids NXDOMAIN).
        case exists
        /// No name at or below this one can be a member: NXDOMAIN.
        case absent
    }

    /// Classifies the labels `key[0..<end]` that precede the apex in a wire name in any case
    /// (typically the QNAME inside the received query), reading the octets in place.
    ///
    /// `%{i}` expands to 4 decimal labels for IPv4 (`192.0.2.10`, each 0–255, no leading
    /// zero except `0`) or 32 hex nibble labels for IPv6, most significant first (§7.3).
    /// A resolver minimising the QNAME asks for the rightmost labels first, so fewer valid
    /// labels than a full address is a name that exists. Four single-digit labels are both a
    /// full IPv4 name and an IPv6 suffix; when the IPv4 address is not a member the name
    /// still exists (NODATA: `exists` fails either way, and an RFC 8020 resolver does not
    /// cut off the IPv6 names below it).
    ///
    /// The walk also checks that `end` is a label boundary (a suffix that merely has the apex's
    /// octets, starting inside a label, is not the apex).
    ///
    /// - Parameters:
    ///   - key: a well-formed wire name (labels, then the root octet).
    ///   - end: the index inside `key` where the apex suffix starts.
    ///   - table: the pass set.
    /// - Returns: nil when `end` falls inside a label (the name is not below this apex).
    static func classify(key: UnsafeRawBufferPointer, end: Int, table: AddressRangeTable) -> Membership? {
        var position = 0
        var count = 0
        // Once both are false (or there are more than 32 labels) the answer is NXDOMAIN; the
        // walk continues only to check the boundary.
        var allOctets = true
        var allNibbles = true
        var v4: UInt32 = 0
        var v6: UInt128 = 0
        while position < end {
            let length = Int(key[position])
            let start = position &+ 1
            position = start &+ length
            count &+= 1
            guard count <= 32, allOctets || allNibbles else { continue }
            if length == 1 {
                let byte = key[start]
                let nibble: UInt8
                switch byte {
                case 0x30...0x39: nibble = byte &- 0x30
                case 0x61...0x66: nibble = byte &- 0x61 &+ 10
                case 0x41...0x46: nibble = byte &- 0x41 &+ 10
                default:
                    allOctets = false
                    allNibbles = false
                    continue
                }
                v6 = v6 &<< 4 | UInt128(nibble)
                if nibble > 9 { allOctets = false } else { v4 = v4 &<< 8 | UInt32(nibble) }
            } else {
                allNibbles = false
                if allOctets, length <= 3, let octet = decimalOctet(key, start: start, length: length) {
                    v4 = v4 &<< 8 | UInt32(octet)
                } else {
                    allOctets = false
                }
            }
        }
        guard position == end else { return nil }
        if count > 32 || !(allNibbles || (allOctets && count <= 4)) { return .absent }
        switch count {
        case 4:
            if allOctets && table.contains(v4: v4) { return .member }
            return allNibbles ? .exists : .absent
        case 32:
            return table.contains(v6: v6) ? .member : .absent
        default:
            // 0 (the apex), 1–3 valid labels of either family, 5–31 nibbles.
            return .exists
        }
    }

    /// A 2- or 3-digit decimal label without a leading zero, at most 255; nil otherwise.
    @inline(__always)
    private static func decimalOctet(_ key: UnsafeRawBufferPointer, start: Int, length: Int) -> UInt8? {
        guard key[start] != 0x30 else { return nil }
        var value = 0
        for index in start..<(start &+ length) {
            let digit = Int(key[index]) &- 0x30
            guard digit >= 0 && digit <= 9 else { return nil }
            value = value &* 10 &+ digit
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
