import DNSCore

/// An immutable set of compiled zones served together, swapped in one step on reload
/// (NSD/Knot style). Finds the closest enclosing zone of a name by longest suffix match.
///
/// `Sendable` and free of locks: readers share it across threads; a publisher builds a new
/// one beside it and replaces the reference.
public final class ZoneSnapshot: Sendable {
    /// The zones, in the order given.
    public let zones: [Zone]
    /// A number that grows with every published snapshot (for logs and metrics).
    public let generation: UInt64
    /// Zones indexed by the wire length of their apex (1…255) for allocation-free matching.
    private let zonesByApexLength: [[Int]]
    /// Whether any zone's apex has this wire length (a cheap first test per label).
    private let apexLengthUsed: [Bool]
    /// The lowercase wire apex of each zone, by zone index (read without touching `Zone`).
    private let originKeys: [[UInt8]]

    /// Creates a snapshot.
    ///
    /// - Parameters:
    ///   - zones: compiled zones; origins must be distinct (nesting is allowed: the longest
    ///     match answers).
    ///   - generation: a caller-chosen increasing number.
    /// - Throws: `DNSAuthorityError.duplicateZone` when two zones share an origin.
    public init(zones: [Zone], generation: UInt64 = 0) throws {
        var seen = Set<DNSName>()
        var byLength = [[Int]](repeating: [], count: DNSName.maxWireLength + 1)
        for (index, zone) in zones.enumerated() {
            guard seen.insert(zone.origin).inserted else {
                throw DNSAuthorityError.duplicateZone(origin: zone.origin.description)
            }
            byLength[zone.origin.wireLength].append(index)
        }
        self.zones = zones
        self.generation = generation
        self.zonesByApexLength = byLength
        self.apexLengthUsed = byLength.map { !$0.isEmpty }
        self.originKeys = zones.map(\.origin.key)
    }

    /// An empty snapshot (every query is REFUSED).
    public static let empty: ZoneSnapshot = try! ZoneSnapshot(zones: [], generation: 0)

    /// The SOA serials of all zones, keyed by origin.
    public var serials: [DNSName: UInt32] {
        Dictionary(uniqueKeysWithValues: zones.map { ($0.origin, $0.serial) })
    }

    /// The zone with exactly this origin, if served.
    public func zone(named origin: DNSName) -> Zone? {
        zones.first { $0.origin == origin }
    }

    /// The closest enclosing served zone of `name` (longest matching origin), or nil.
    public func zone(enclosing name: DNSName) -> Zone? {
        name.key.withUnsafeBytes { zoneIndex(enclosingKey: $0) }.map { zones[$0] }
    }

    /// Index of the closest enclosing zone for a wire name in any case (for example the QNAME
    /// inside a query), scanning label boundaries from the longest suffix; no allocation.
    func zoneIndex(enclosingKey key: UnsafeRawBufferPointer) -> Int? {
        var start = 0
        while start < key.count {
            let length = key.count - start
            if apexLengthUsed[length] {
                for index in zonesByApexLength[length] where WireKey(originKeys[index]) == WireKey(borrowing: UnsafeRawBufferPointer(rebasing: key[start...])) {
                    return index
                }
            }
            if key[start] == 0 { break }
            start += 1 + Int(key[start])
        }
        return nil
    }

    /// Looks a name and type up in its closest enclosing zone without chasing CNAMEs (the
    /// typed view of the first step the responder takes; RFC 1034 §4.3.2).
    ///
    /// - Returns: `.refused` outside every zone; otherwise the zone's answer for the name.
    public func lookup(_ name: DNSName, _ type: RRType) -> LookupResult {
        guard let zone = zone(enclosing: name) else { return .refused }
        return zone.lookup(name, type)
    }
}
