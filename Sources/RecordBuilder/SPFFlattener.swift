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

    /// An upstream answer, shared by every caller that asks the same question in this run.
    private typealias Answer<T: Sendable> = Task<Result<T, UpstreamError>, Never>

    private var txtAnswers: [String: Answer<[String]>] = [:]
    private var aAnswers: [String: Answer<[IPv4Address]>] = [:]
    private var aaaaAnswers: [String: Answer<[IPv6Address]>] = [:]
    private var mxAnswers: [String: Answer<[String]>] = [:]
    /// Each name's subtree, in flight or done. A failed subtree is removed when it completes, so
    /// a later caller recomputes it (from cached answers) and sees the error from its own path.
    private var subtrees: [String: Task<Result<Subtree, SPFFlattenError>, Never>] = [:]
    /// For each name whose subtree is being computed, the name whose subtree it is awaiting.
    /// Waiting on a subtree that (transitively) waits on the waiter would deadlock: that is an
    /// include/redirect loop, reported instead of awaited.
    private var waitingOn: [String: String] = [:]
    /// The result of ``flatten(entryPoint:)`` per entry point, in flight or done (errors included:
    /// within a run the same answers give the same error).
    private var flattenings: [String: Task<Result<SPFFlattening, SPFFlattenError>, Never>] = [:]

    /// Upstream questions actually sent to ``source`` in this run (one per distinct name and type).
    public private(set) var upstreamQuestionCount = 0

    /// Upstream questions actually sent to ``source`` in this run: the number of distinct
    /// (name, type) pairs asked, each asked exactly once however many callers need it.
    public var upstreamQueryCount: Int { upstreamQuestionCount }

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
        /// DNS-querying terms whose query depends on the client address (`exists`, `ptr`, `a`/`mx`
        /// with macros), each of which may be a void lookup for some addresses.
        var addressDependent = 0
        var unflattenable: [String] = []
        var queries: Set<SPFUpstreamQuery> = []
        var records: [String: String] = [:]

        /// Adds a child's counters and provenance (not its pass set).
        mutating func absorb(_ child: Subtree) {
            lookups += child.lookups
            voidV4 += child.voidV4
            voidV6 += child.voidV6
            addressDependent += child.addressDependent
            unflattenable += child.unflattenable
            queries.formUnion(child.queries)
            records.merge(child.records) { a, _ in a }
        }
    }

    /// Flattens the tree rooted at `entryPoint` (a sender's published SPF name).
    ///
    /// The result is memoized per entry point for the whole run: concurrent and later callers
    /// for the same name share one computation, and every upstream question is asked once.
    ///
    /// - Returns: the exact pass set, or ``SPFFlattening/Outcome/keptAsInclude(reasons:)`` when
    ///   a term needs the sender's address or a macro.
    /// - Throws: ``SPFFlattenError/temporary(name:reason:)`` for a retryable DNS failure;
    ///   otherwise a permanent ``SPFFlattenError`` naming the record and term (no SPF record,
    ///   several records, syntax, loop, more than 10 lookups counting the include of the entry
    ///   point, more than 2 void lookups per family, more than 10 MX names, `+all`/`?all`).
    public func flatten(entryPoint: String) async throws(SPFFlattenError) -> SPFFlattening {
        let entry = normalizedDomain(entryPoint)
        let task: Task<Result<SPFFlattening, SPFFlattenError>, Never>
        if let existing = flattenings[entry] {
            task = existing
        } else {
            task = Task { await self.computeFlattening(entry) }
            flattenings[entry] = task
        }
        switch await task.value {
        case .success(let f): return f
        case .failure(let e): throw e
        }
    }

    private func computeFlattening(_ entry: String) async -> Result<SPFFlattening, SPFFlattenError> {
        let tree: Subtree
        do { tree = try await subtree(entry, waiter: nil) } catch { return .failure(error) }
        let total = 1 + tree.lookups
        guard total <= 10 else { return .failure(.tooManyLookups(entryPoint: entry, count: total)) }
        if tree.voidV4 > 2 { return .failure(.tooManyVoidLookups(entryPoint: entry, family: "IPv4", count: tree.voidV4)) }
        if tree.voidV6 > 2 { return .failure(.tooManyVoidLookups(entryPoint: entry, family: "IPv6", count: tree.voidV6)) }
        var reasons: [String] = []
        for r in tree.unflattenable where !reasons.contains(r) { reasons.append(r) }
        return .success(SPFFlattening(
            entryPoint: entry,
            outcome: reasons.isEmpty ? .flattened(tree.pass) : .keptAsInclude(reasons: reasons),
            lookups: tree.lookups,
            voidLookups: max(tree.voidV4, tree.voidV6),
            voidLookupsIPv4: tree.voidV4,
            voidLookupsIPv6: tree.voidV6,
            addressDependentLookups: tree.addressDependent,
            queries: tree.queries.sorted(),
            records: tree.records))
    }

    /// The subtree of `name`, shared with every other caller in the run.
    ///
    /// - Parameter waiter: the name whose evaluation needs this subtree (`nil` for an entry
    ///   point). If `name` already (transitively) waits on `waiter`, awaiting it would deadlock:
    ///   that is a loop, thrown as ``SPFFlattenError/loop(cycle:)`` listing the names from
    ///   `name` back to `name` (`a→b→a`), as a depth-first walk would meet it.
    private func subtree(_ name: String, waiter: String?) async throws(SPFFlattenError) -> Subtree {
        if let waiter {
            var cycle = [name]
            var current = name
            while current != waiter, let next = waitingOn[current] {
                cycle.append(next)
                current = next
            }
            if current == waiter { throw .loop(cycle: cycle + [name]) }
        }
        let task: Task<Result<Subtree, SPFFlattenError>, Never>
        if let existing = subtrees[name] {
            task = existing
        } else {
            task = Task { await self.evaluateResult(name) }
            subtrees[name] = task
        }
        if let waiter { waitingOn[waiter] = name }
        let result = await task.value
        if let waiter { waitingOn[waiter] = nil }
        switch result {
        case .success(let s): return s
        case .failure(let e): throw e
        }
    }

    private func evaluateResult(_ name: String) async -> Result<Subtree, SPFFlattenError> {
        do {
            return .success(try await evaluate(name))
        } catch {
            subtrees[name] = nil
            return .failure(error)
        }
    }

    // MARK: - Tree walk

    /// The subtree of `target`, reached by `term` in `record`. A missing target's error names
    /// the referencing record and term (§5.2, §6.1).
    private func descend(_ target: String, record: String, term: String) async throws(SPFFlattenError) -> Subtree {
        do {
            return try await subtree(target, waiter: record)
        } catch {
            if case .noSPFRecord(let name, let nx, nil, nil) = error, name == target {
                throw .noSPFRecord(name: name, nxdomain: nx, record: record, term: term)
            }
            throw error
        }
    }

    /// Evaluates the record at `domain` once; children come from ``subtree(_:waiter:)``.
    private func evaluate(_ domain: String) async throws(SPFFlattenError) -> Subtree {
        var sub = Subtree()
        sub.queries.insert(SPFUpstreamQuery(.txt, domain))
        guard let txt = try await lookupTXT(domain) else {
            throw .noSPFRecord(name: domain, nxdomain: true, record: nil, term: nil)
        }
        let text: String
        switch SPFRecord.select(from: txt) {
        case .none: throw .noSPFRecord(name: domain, nxdomain: false, record: nil, term: nil)
        case .multiple(let n): throw .multipleSPFRecords(name: domain, count: n)
        case .one(let t): text = t
        }
        let record: SPFRecord
        do { record = try SPFRecord.parse(text) } catch { throw .syntax(name: domain, error: error) }
        sub.records[domain] = text
        for d in record.directives where d.mechanism == .all && (d.qualifier == .pass || d.qualifier == .neutral) {
            throw .permissiveAll(record: domain, term: d.description)
        }
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
                let child = try await descend(target, record: domain, term: term)
                sub.absorb(child)
                set = child.pass
            case .a(let spec, let cidr):
                guard let target = spec == nil ? domain : spec!.literalDomain else {
                    sub.unflattenable.append("\"\(term)\" in \(domain) uses a macro, whose value depends on the sender (RFC 7208 §7.3)")
                    sub.addressDependent += 1
                    break
                }
                let (v4, v6) = try await addresses(of: target, queries: &sub.queries)
                if v4.isEmpty { sub.voidV4 += 1 }
                if v6.isEmpty { sub.voidV6 += 1 }
                set = Self.blocks(v4, v6, cidr)
            case .mx(let spec, let cidr):
                guard let target = spec == nil ? domain : spec!.literalDomain else {
                    sub.unflattenable.append("\"\(term)\" in \(domain) uses a macro, whose value depends on the sender (RFC 7208 §7.3)")
                    sub.addressDependent += 1
                    break
                }
                sub.queries.insert(SPFUpstreamQuery(.mx, target))
                let names = try await lookupMX(target) ?? []
                if names.isEmpty { sub.voidV4 += 1; sub.voidV6 += 1 }
                let hosts = names.map(normalizedDomain).filter { !$0.isEmpty }
                guard hosts.count <= 10 else { throw .tooManyMXNames(record: domain, term: term, count: hosts.count) }
                // Ask for every host's addresses at once, then read them in MX order.
                let pending = hosts.map { h -> (Answer<[IPv4Address]>, Answer<[IPv6Address]>) in
                    sub.queries.insert(SPFUpstreamQuery(.a, h))
                    sub.queries.insert(SPFUpstreamQuery(.aaaa, h))
                    return (askA(h), askAAAA(h))
                }
                var all4: [IPv4Address] = [], all6: [IPv6Address] = []
                for (a, aaaa) in pending {
                    all4 += try Self.unwrap(await a.value) ?? []
                    all6 += try Self.unwrap(await aaaa.value) ?? []
                }
                set = Self.blocks(all4, all6, cidr)
            case .ptr:
                sub.unflattenable.append("\"\(term)\" in \(domain) needs the sender's address (RFC 7208 §5.5)")
                sub.addressDependent += 1
            case .exists:
                sub.unflattenable.append("\"\(term)\" in \(domain) needs the sender's address or a macro (RFC 7208 §5.7, §7.3)")
                sub.addressDependent += 1
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
                let child = try await descend(target, record: domain, term: term)
                sub.absorb(child)
                sub.pass.formUnion(child.pass.subtracting(matched))
            } else {
                sub.unflattenable.append("\"\(term)\" in \(domain) uses a macro, whose value depends on the sender (RFC 7208 §7.3)")
            }
        }
        return sub
    }

    private static func blocks(_ v4: [IPv4Address], _ v6: [IPv6Address], _ cidr: SPFDualCIDRLength) -> AddressSet {
        AddressSet(v4: CIDRSet(v4.map { CIDRBlock(address: $0, prefixLength: cidr.v4) }),
                   v6: CIDRSet(v6.map { CIDRBlock(address: $0, prefixLength: cidr.v6) }))
    }

    /// A and AAAA of `name`, asked together (NXDOMAIN and NODATA both give `[]`).
    private func addresses(of name: String, queries: inout Set<SPFUpstreamQuery>)
        async throws(SPFFlattenError) -> ([IPv4Address], [IPv6Address])
    {
        queries.insert(SPFUpstreamQuery(.a, name))
        queries.insert(SPFUpstreamQuery(.aaaa, name))
        let a = askA(name)
        let aaaa = askAAAA(name)
        let v4 = try Self.unwrap(await a.value) ?? []
        let v6 = try Self.unwrap(await aaaa.value) ?? []
        return (v4, v6)
    }

    // MARK: - Shared upstream questions (nil = NXDOMAIN)

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

    /// The answer task for `name` in `answers`, starting (and counting) the question only when
    /// nobody asked it before in this run. Runs without suspending, so two callers can never
    /// both start the same question.
    private static func ask<T: Sendable>(_ answers: inout [String: Answer<T>], _ name: String, count: inout Int,
                                         _ question: @escaping @Sendable () async throws -> T) -> Answer<T> {
        if let existing = answers[name] { return existing }
        count += 1
        let task = Answer<T> {
            do { return .success(try await question()) } catch { return .failure(classify(error, name)) }
        }
        answers[name] = task
        return task
    }

    private func askA(_ name: String) -> Answer<[IPv4Address]> {
        let source = self.source
        return Self.ask(&aAnswers, name, count: &upstreamQuestionCount) { try await source.a(name) }
    }

    private func askAAAA(_ name: String) -> Answer<[IPv6Address]> {
        let source = self.source
        return Self.ask(&aaaaAnswers, name, count: &upstreamQuestionCount) { try await source.aaaa(name) }
    }

    private func lookupTXT(_ name: String) async throws(SPFFlattenError) -> [String]? {
        let source = self.source
        let task = Self.ask(&txtAnswers, name, count: &upstreamQuestionCount) { try await source.txt(name) }
        return try Self.unwrap(await task.value)
    }

    private func lookupMX(_ name: String) async throws(SPFFlattenError) -> [String]? {
        let source = self.source
        let task = Self.ask(&mxAnswers, name, count: &upstreamQuestionCount) { try await source.mx(name) }
        return try Self.unwrap(await task.value)
    }
}
