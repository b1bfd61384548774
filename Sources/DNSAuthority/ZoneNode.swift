import DNSCore

/// The data at one owner name of a compiled zone: its RRsets ordered by type, or none for
/// an empty non-terminal (RFC 8020 §2; RFC 4592 §2.2.2).
struct ZoneNode: Sendable {
    /// The owner name (case as first given in the data, or as derived for an ENT).
    let name: DNSName
    /// The RRsets at this name, sorted by type number; empty for an empty non-terminal.
    let rrsets: [PrerenderedRRSet]

    /// Whether the name exists only because names below it have data.
    var isEmptyNonTerminal: Bool { rrsets.isEmpty }

    /// The RRset of `type`, if any.
    func rrset(_ type: RRType) -> PrerenderedRRSet? {
        for set in rrsets where set.type == type { return set }
        return nil
    }
}
