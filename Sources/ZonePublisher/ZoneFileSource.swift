import RecordBuilder

/// An ``UpstreamSource`` that answers from the records of a zone file, offline.
///
/// Answers follow what an authoritative server for every name in the file would say
/// (RFC 1034 §4.3.2): a name with records of the type → those records; a name that owns records,
/// or is an ancestor of an owner (an empty non-terminal, RFC 8020 §2), but has none of the type →
/// `[]` (NODATA); a CNAME at the name (when another type is asked) is followed, up to
/// ``maxCNAMEChain`` links; a name matched by a wildcard `*.<closest encloser>` owner answers
/// from the wildcard (RFC 4592 §4.3); any other name → ``UpstreamError/nxdomain(name:)`` for
/// the name asked. A CNAME chain that loops or is too long → ``UpstreamError/temporary(name:reason:)``
/// (a resolver would SERVFAIL). Zone cuts (NS below an apex) are not treated as delegations.
///
/// Lookups are case-insensitive and accept a trailing dot. The index is built once at init;
/// lookups read an immutable dictionary.
public struct ZoneFileSource: UpstreamSource {
    /// Most CNAME links followed for one question before giving up.
    public static let maxCNAMEChain = 16

    /// Records by owner (key form).
    private let byOwner: [String: [ZoneRecord]]
    /// Every owner and every ancestor of an owner (the empty non-terminals), key form.
    private let existing: Set<String>

    /// Indexes `records` (owners must be in key form: lowercase, no trailing dot).
    public init(records: [ZoneRecord]) {
        var byOwner: [String: [ZoneRecord]] = [:]
        var existing: Set<String> = []
        for record in records {
            byOwner[record.owner, default: []].append(record)
            var name = Substring(record.owner)
            while existing.insert(String(name)).inserted, !name.isEmpty {
                name = Self.parent(of: name)
            }
        }
        self.byOwner = byOwner
        self.existing = existing
    }

    /// Reads the zone file at `path` with ``ZoneFileReader`` and indexes it.
    /// - Throws: ``ZoneFileError`` naming the file and line.
    public init(path: String, origin: String? = nil) throws(ZoneFileError) {
        self.init(records: try ZoneFileReader.read(path: path, origin: origin))
    }

    /// TXT records at `name`, each record's character-strings joined without separators
    /// (RFC 7208 §3.3), in file order.
    public func txt(_ name: String) async throws -> [String] {
        try lookup(name, .txt).compactMap {
            if case .txt(let strings) = $0.data { return strings.joined() }
            return nil
        }
    }

    /// A records at `name`, in file order.
    public func a(_ name: String) async throws -> [IPv4Address] {
        try lookup(name, .a).compactMap {
            if case .a(let address) = $0.data { return address }
            return nil
        }
    }

    /// AAAA records at `name`, in file order.
    public func aaaa(_ name: String) async throws -> [IPv6Address] {
        try lookup(name, .aaaa).compactMap {
            if case .aaaa(let address) = $0.data { return address }
            return nil
        }
    }

    /// MX exchanges at `name`, ordered by preference then name (RFC 1035 §3.3.9; RFC 7208 §5.4).
    public func mx(_ name: String) async throws -> [String] {
        let exchanges: [(UInt16, String)] = try lookup(name, .mx).compactMap {
            if case .mx(let preference, let exchange) = $0.data { return (preference, exchange) }
            return nil
        }
        return exchanges.sorted { $0 < $1 }.map(\.1)
    }

    /// The records of `type` that answer a question for `name` (after CNAMEs), `[]` for NODATA.
    /// - Throws: ``UpstreamError/nxdomain(name:)`` (with `name` as asked, key form) or
    ///   ``UpstreamError/temporary(name:reason:)`` for a CNAME loop.
    public func lookup(_ name: String, _ type: ZoneRecordType) throws(UpstreamError) -> [ZoneRecord] {
        let asked = LDNSRead.canonicalName(name)
        var current = asked
        var seen: Set<String> = []
        for _ in 0...Self.maxCNAMEChain {
            guard seen.insert(current).inserted else {
                throw .temporary(name: asked, reason: "CNAME loop at \(current)")
            }
            guard let records = records(at: current) else {
                throw .nxdomain(name: asked)
            }
            let matching = records.filter { $0.type == type }
            if !matching.isEmpty || type == .cname { return matching }
            guard let target = records.lazy.compactMap({ record -> String? in
                if case .cname(let target) = record.data { return target }
                return nil
            }).first else { return [] }
            current = target
        }
        throw .temporary(name: asked, reason: "CNAME chain longer than \(Self.maxCNAMEChain) links")
    }

    /// The records owned by `name` (possibly none, for an empty non-terminal), the records of the
    /// wildcard that covers it, or `nil` when the name does not exist.
    private func records(at name: String) -> [ZoneRecord]? {
        if let records = byOwner[name] { return records }
        if existing.contains(name) { return [] }
        // RFC 4592 §3.3.1: the closest encloser is the longest existing ancestor; only
        // `*.<closest encloser>` can synthesize an answer.
        var ancestor = Self.parent(of: Substring(name))
        while !existing.contains(String(ancestor)) {
            if ancestor.isEmpty { return nil }
            ancestor = Self.parent(of: ancestor)
        }
        let wildcard = ancestor.isEmpty ? "*" : "*." + ancestor
        return byOwner[wildcard]
    }

    /// The name with its left-most label removed (`""`, the root, for a single label).
    /// Escaped dots (`\.`) do not split labels.
    static func parent(of name: Substring) -> Substring {
        var index = name.startIndex
        var escaped = false
        while index < name.endIndex {
            let character = name[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "." {
                return name[name.index(after: index)...]
            }
            index = name.index(after: index)
        }
        return name[name.endIndex...]
    }
}
