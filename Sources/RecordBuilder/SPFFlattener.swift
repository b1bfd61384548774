/// Computes the exact pass set of SPF trees over an ``UpstreamSource`` (RFC 7208 §4.6.2, §5, §6).
///
/// One instance is one *run*: every upstream answer (TXT, A, AAAA, MX per name) is asked once
/// and cached, and each name's subtree is computed once (a diamond is not a loop, C01).
///
/// The pass set of a record is computed left to right keeping the set `M` of addresses matched
/// so far: a `+` mechanism with match set `S` adds `S − M` to the pass set, every mechanism adds
/// `S` to `M` (§4.6.2 first match wins). An `include`'s match set is the target's pass set
/// (§5.2: its fail/softfail/neutral results are "no match"); `redirect=` (ignored when the record
/// has `all`, §6.1) adds the target's pass set minus `M`; `a`/`mx` resolve against the domain of
/// the record they appear in with `/len` and `//len6` (§5.3, §5.4, §5.6).
public actor SPFFlattener {
    /// Where SPF trees are read.
    public let source: any UpstreamSource

    private var txtCache: [String: Result<[String], UpstreamError>] = [:]
    private var aCache: [String: Result<[IPv4Address], UpstreamError>] = [:]
    private var aaaaCache: [String: Result<[IPv6Address], UpstreamError>] = [:]
    private var mxCache: [String: Result<[String], UpstreamError>] = [:]
    private var memo: [String: Subtree] = [:]

    /// Upstream questions actually sent to ``source`` in this run (cache misses).
    public private(set) var upstreamQuestionCount = 0

    /// Creates a flattener (one run) reading from `source`.
    public init(source: any UpstreamSource) {
        self.source = source
    }

    /// What one name's tree contributes.
    struct Subtree: Sendable {
        var pass = AddressSet.empty
        var lookups = 0
        var voidV4 = 0
        var voidV6 = 0
        var unflattenable: [String] = []
        var queries: Set<SPFUpstreamQuery> = []
        var records: [String: String] = [:]

        /// Adds a child's counters and provenance (not its pass set).
        mutating func absorb(_ child: Subtree) {
            lookups += child.lookups
            voidV4 += child.voidV4
            voidV6 += child.voidV6
            unflattenable += child.unflattenable
            queries.formUnion(child.queries)
            records.merge(child.records) { a, _ in a }
        }
    }

    /// Flattens the tree rooted at `entryPoint` (a sender's published SPF name).
    ///
    /// - Returns: the exact pass set, or ``SPFFlattening/Outcome/keptAsInclude(reasons:)`` when
    ///   a term needs the sender's address or a macro.
    /// - Throws: ``SPFFlattenError/temporary(name:reason:)`` for a retryable DNS failure;
    ///   otherwise a permanent ``SPFFlattenError`` naming the record and term (no SPF record,
    ///   several records, syntax, loop, more than 10 lookups counting the include of the entry
    ///   point, more than 2 void lookups per family, more than 10 MX names, `+all`/`?all`).
    public func flatten(entryPoint: String) async throws(SPFFlattenError) -> SPFFlattening {
        let entry = normalizedDomain(entryPoint)
        let tree = try await evaluate(entry, chain: [], via: nil)
        let total = 1 + tree.lookups
        guard total <= 10 else { throw .tooManyLookups(entryPoint: entry, count: total) }
        if tree.voidV4 > 2 { throw .tooManyVoidLookups(entryPoint: entry, family: "IPv4", count: tree.voidV4) }
        if tree.voidV6 > 2 { throw .tooManyVoidLookups(entryPoint: entry, family: "IPv6", count: tree.voidV6) }
        var reasons: [String] = []
        for r in tree.unflattenable where !reasons.contains(r) { reasons.append(r) }
        return SPFFlattening(
            entryPoint: entry,
            outcome: reasons.isEmpty ? .flattened(tree.pass) : .keptAsInclude(reasons: reasons),
            lookups: tree.lookups,
            voidLookups: max(tree.voidV4, tree.voidV6),
            queries: tree.queries.sorted(),
            records: tree.records)
    }

    // MARK: - Tree walk

    private func descend(_ target: String, path: [String], record: String, term: String)
        async throws(SPFFlattenError) -> Subtree
    {
        if let i = path.firstIndex(of: target) { throw .loop(cycle: Array(path[i...]) + [target]) }
        return try await evaluate(target, chain: path, via: (record, term))
    }

    private func evaluate(_ domain: String, chain: [String], via: (record: String, term: String)?)
        async throws(SPFFlattenError) -> Subtree
    {
        if let done = memo[domain] { return done }
        var sub = Subtree()
        sub.queries.insert(SPFUpstreamQuery(.txt, domain))
        guard let txt = try await lookupTXT(domain) else {
            throw .noSPFRecord(name: domain, nxdomain: true, record: via?.record, term: via?.term)
        }
        let text: String
        switch SPFRecord.select(from: txt) {
        case .none: throw .noSPFRecord(name: domain, nxdomain: false, record: via?.record, term: via?.term)
        case .multiple(let n): throw .multipleSPFRecords(name: domain, count: n)
        case .one(let t): text = t
        }
        let record: SPFRecord
        do { record = try SPFRecord.parse(text) } catch { throw .syntax(name: domain, error: error) }
        sub.records[domain] = text
        for d in record.directives where d.mechanism == .all && (d.qualifier == .pass || d.qualifier == .neutral) {
            throw .permissiveAll(record: domain, term: d.description)
        }
        let path = chain + [domain]
        var matched = AddressSet.empty
        for d in record.directives {
            let term = d.description
            if d.mechanism.queriesDNS { sub.lookups += 1 }
            var set: AddressSet? = nil
            switch d.mechanism {
            case .all:
                set = .everything
            case .ip4(let b):
                set = AddressSet(v4: CIDRSet([b]))
            case .ip6(let b):
                set = AddressSet(v6: CIDRSet([b]))
            case .include(let spec):
                guard let target = spec.literalDomain else {
                    sub.unflattenable.append("\"\(term)\" in \(domain) uses a macro, whose value depends on the sender (RFC 7208 §7.3)")
                    break
                }
                let child = try await descend(target, path: path, record: domain, term: term)
                sub.absorb(child)
                set = child.pass
            case .a(let spec, let cidr):
                guard let target = spec == nil ? domain : spec!.literalDomain else {
                    sub.unflattenable.append("\"\(term)\" in \(domain) uses a macro, whose value depends on the sender (RFC 7208 §7.3)")
                    break
                }
                let (v4, v6) = try await addresses(of: target, queries: &sub.queries)
                if v4.isEmpty { sub.voidV4 += 1 }
                if v6.isEmpty { sub.voidV6 += 1 }
                set = Self.blocks(v4, v6, cidr)
            case .mx(let spec, let cidr):
                guard let target = spec == nil ? domain : spec!.literalDomain else {
                    sub.unflattenable.append("\"\(term)\" in \(domain) uses a macro, whose value depends on the sender (RFC 7208 §7.3)")
                    break
                }
                sub.queries.insert(SPFUpstreamQuery(.mx, target))
                let names = try await lookupMX(target) ?? []
                if names.isEmpty { sub.voidV4 += 1; sub.voidV6 += 1 }
                let hosts = names.map(normalizedDomain).filter { !$0.isEmpty }
                guard hosts.count <= 10 else { throw .tooManyMXNames(record: domain, term: term, count: hosts.count) }
                var all4: [IPv4Address] = [], all6: [IPv6Address] = []
                for h in hosts {
                    let (v4, v6) = try await addresses(of: h, queries: &sub.queries)
                    all4 += v4
                    all6 += v6
                }
                set = Self.blocks(all4, all6, cidr)
            case .ptr:
                sub.unflattenable.append("\"\(term)\" in \(domain) needs the sender's address (RFC 7208 §5.5)")
            case .exists:
                sub.unflattenable.append("\"\(term)\" in \(domain) needs the sender's address or a macro (RFC 7208 §5.7, §7.3)")
            }
            if let set {
                if d.qualifier == .pass { sub.pass.formUnion(set.subtracting(matched)) }
                matched.formUnion(set)
            }
            if d.mechanism == .all { break }
        }
        if !record.hasAll, let redirect = record.redirect {
            sub.lookups += 1
            let term = "redirect=\(redirect)"
            if let target = redirect.literalDomain {
                let child = try await descend(target, path: path, record: domain, term: term)
                sub.absorb(child)
                sub.pass.formUnion(child.pass.subtracting(matched))
            } else {
                sub.unflattenable.append("\"\(term)\" in \(domain) uses a macro, whose value depends on the sender (RFC 7208 §7.3)")
            }
        }
        memo[domain] = sub
        return sub
    }

    private static func blocks(_ v4: [IPv4Address], _ v6: [IPv6Address], _ cidr: SPFDualCIDRLength) -> AddressSet {
        AddressSet(v4: CIDRSet(v4.map { CIDRBlock(address: $0, prefixLength: cidr.v4) }),
                   v6: CIDRSet(v6.map { CIDRBlock(address: $0, prefixLength: cidr.v6) }))
    }

    private func addresses(of name: String, queries: inout Set<SPFUpstreamQuery>)
        async throws(SPFFlattenError) -> ([IPv4Address], [IPv6Address])
    {
        queries.insert(SPFUpstreamQuery(.a, name))
        queries.insert(SPFUpstreamQuery(.aaaa, name))
        let v4 = try await lookupA(name) ?? []
        let v6 = try await lookupAAAA(name) ?? []
        return (v4, v6)
    }

    // MARK: - Cached upstream questions (nil = NXDOMAIN)

    private static func classify(_ error: any Error, _ name: String) -> UpstreamError {
        (error as? UpstreamError) ?? .temporary(name: name, reason: "\(error)")
    }

    private static func unwrap<T>(_ r: Result<T, UpstreamError>) throws(SPFFlattenError) -> T? {
        switch r {
        case .success(let v): return v
        case .failure(.nxdomain): return nil
        case .failure(.temporary(let n, let reason)): throw .temporary(name: n, reason: reason)
        }
    }

    private func lookupTXT(_ name: String) async throws(SPFFlattenError) -> [String]? {
        if let r = txtCache[name] { return try Self.unwrap(r) }
        upstreamQuestionCount += 1
        let r: Result<[String], UpstreamError>
        do { r = .success(try await source.txt(name)) } catch { r = .failure(Self.classify(error, name)) }
        txtCache[name] = r
        return try Self.unwrap(r)
    }

    private func lookupA(_ name: String) async throws(SPFFlattenError) -> [IPv4Address]? {
        if let r = aCache[name] { return try Self.unwrap(r) }
        upstreamQuestionCount += 1
        let r: Result<[IPv4Address], UpstreamError>
        do { r = .success(try await source.a(name)) } catch { r = .failure(Self.classify(error, name)) }
        aCache[name] = r
        return try Self.unwrap(r)
    }

    private func lookupAAAA(_ name: String) async throws(SPFFlattenError) -> [IPv6Address]? {
        if let r = aaaaCache[name] { return try Self.unwrap(r) }
        upstreamQuestionCount += 1
        let r: Result<[IPv6Address], UpstreamError>
        do { r = .success(try await source.aaaa(name)) } catch { r = .failure(Self.classify(error, name)) }
        aaaaCache[name] = r
        return try Self.unwrap(r)
    }

    private func lookupMX(_ name: String) async throws(SPFFlattenError) -> [String]? {
        if let r = mxCache[name] { return try Self.unwrap(r) }
        upstreamQuestionCount += 1
        let r: Result<[String], UpstreamError>
        do { r = .success(try await source.mx(name)) } catch { r = .failure(Self.classify(error, name)) }
        mxCache[name] = r
        return try Self.unwrap(r)
    }
}
