/// The running size of ``HostedTXT/split(terms:)`` as terms are appended, in O(1) per term.
///
/// Mirrors the split exactly: pieces (a term plus its separating space) are packed greedily
/// into character-strings of at most 255 octets (RFC 1035 §3.3, RFC 7208 §3.3); the RDATA
/// length is one length octet plus the octets of each string.
struct TXTStringPacker {
    /// Octets of the completed strings, each with its length octet.
    private(set) var closedOctets = 0
    /// Octets in the string being filled (0 when none is open).
    private(set) var openOctets = 0

    /// Appends a piece of `octets` octets (a term, plus 1 when a space follows it).
    /// - Returns: `false` (leaving the packer unchanged) when the piece cannot fit one string.
    mutating func append(_ octets: Int) -> Bool {
        guard octets > 0, octets <= 255 else { return false }
        if openOctets + octets <= 255 {
            openOctets += octets
        } else {
            closedOctets += 1 + openOctets
            openOctets = octets
        }
        return true
    }

    /// The RDATA length of the strings so far.
    var rdataOctets: Int { closedOctets + (openOctets > 0 ? 1 + openOctets : 0) }

    /// The RDATA length after appending `pieces` (octets each), or `nil` when one cannot fit.
    func rdataOctets(appending pieces: [Int]) -> Int? {
        var copy = self
        for p in pieces where !copy.append(p) { return nil }
        return copy.rdataOctets
    }
}
