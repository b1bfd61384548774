/// Builds every hosted record of one customer domain (RECORDS.md): DMARC at `D._dmarc.H`,
/// report authorizations `D._report._dmarc.<host in R>`, SPF at `D._spf.H` (flattened with chain
/// links, or the macro-mode `exists` record, per ``DomainSpec/spfMode``), the MTA-STS
/// announcement `D._mta-sts.H` with its policy document, and TLS-RPT at `D._smtp._tls.H`.
///
/// A pure function of the settings, the spec and the upstream answers: identical inputs give
/// byte-identical records. The published SPF record is refused when a receiver would spend more
/// than 10 lookups or meet more than 2 void lookups on it (``SPFLookupBudget``, RFC 7208 §4.6.4).
public struct DomainRecordBuilder: Sendable {
    /// Operator settings (`H`, `R`, mailboxes, shim).
    public let settings: OperatorSettings
    /// Where sender SPF trees are read.
    public let source: any UpstreamSource

    /// Creates a builder.
    public init(settings: OperatorSettings, source: any UpstreamSource) {
        self.settings = settings
        self.source = source
    }

    /// Builds one domain.
    /// - Parameters:
    ///   - spec: the domain's inventory.
    ///   - flattener: a flattener run to share across domains, safe to share between concurrent
    ///     builds (each upstream question asked once, each entry point flattened once); `nil`
    ///     starts a new run.
    /// - Returns: the records, the pass sets (whole and per sender) and the report.
    /// - Throws: ``BuildFailure``: `.temporary` for a retryable DNS failure, otherwise a
    ///   permanent error naming the sender and term, field and value, or record; `.spf` with
    ///   ``SPFRenderError/tooManyLookups(domain:count:breakdown:)`` or
    ///   ``SPFRenderError/tooManyVoidLookups(domain:count:breakdown:)`` when the published
    ///   record would exceed RFC 7208 §4.6.4, and
    ///   ``SPFRenderError/macroQueryNameTooLong(domain:name:octets:)`` when macro mode's IPv6
    ///   query names would exceed 253 octets (§7.3).
    public func build(_ spec: DomainSpec, flattener: SPFFlattener? = nil) async throws(BuildFailure) -> DomainBuild {
        let domain = normalizedDomain(spec.domain)
        let h = settings.hostedZone
        let r = settings.reportZone
        guard isHostName(domain) else {
            throw .invalidInput(field: "domain", value: spec.domain, reason: "not an ASCII host name (convert U-labels to A-labels first)")
        }
        guard isHostName(h) else { throw .invalidInput(field: "hostedZone", value: h, reason: "not a host name") }
        guard isHostName(r) else { throw .invalidInput(field: "reportZone", value: r, reason: "not a host name") }
        let run = flattener ?? SPFFlattener(source: source)

        // DMARC.
        let dmarc: DMARCRecord
        do {
            let rua = try [DMARCReportURI(settings.dmarcMailbox, field: "rua")] + spec.extraRUA.map { u throws(DMARCError) in try DMARCReportURI(u, field: "rua") }
            let ruf = try spec.ruf.map { u throws(DMARCError) in try DMARCReportURI(u, field: "ruf") }
            dmarc = try DMARCRecord(stage: spec.stage, pctShim: settings.pctShim, sp: spec.sp, np: spec.np,
                                    adkim: spec.adkim, aspf: spec.aspf, rua: rua, ruf: ruf)
        } catch {
            throw .dmarc(error)
        }
        var records = [dmarc.hostedRecord(domain: domain, hostedZone: h)]
        var authorized: [String] = []
        for uri in dmarc.aggregateReports + dmarc.failureReports
        where (uri.host == r || uri.host.hasSuffix("." + r)) && !authorized.contains(uri.host) {
            authorized.append(uri.host)
            records.append(DMARCRecord.reportAuthorization(domain: domain, reportHost: uri.host))
        }

        // SPF.
        let own = AddressSet(spec.ownRanges)
        var pass = own
        var passSetsBySender: [String: AddressSet] = [:]
        if !own.isEmpty { passSetsBySender["own"] = own }
        var kept: [SPFKeptInclude] = []
        var keptCosts: [SPFLookupBudget.KeptInclude] = []
        var senderReports: [SenderReport] = []
        var notes: [String] = []
        for sender in spec.senders {
            guard let entry = sender.spfEntryPoint.map(normalizedDomain) else {
                senderReports.append(SenderReport(slug: sender.slug, name: sender.name, entryPoint: nil, passSet: nil,
                                                  ranges: [], ipv4AddressCount: 0, keptAsInclude: false, keptReasons: [],
                                                  lookups: 0, voidLookups: 0, upstreamNames: [], queries: []))
                continue
            }
            let f: SPFFlattening
            do {
                f = try await run.flatten(entryPoint: entry)
            } catch {
                if case .temporary(let name, let reason) = error {
                    throw .temporary(sender: sender.slug, name: name, reason: reason)
                }
                throw .sender(sender: sender.slug, entryPoint: entry, error: error)
            }
            var reasons: [String] = []
            switch f.outcome {
            case .flattened(let s):
                pass.formUnion(s)
                passSetsBySender[sender.slug, default: .empty].formUnion(s)
            case .keptAsInclude(let why):
                reasons = why
                kept.append(SPFKeptInclude(name: entry, lookups: f.lookups))
                keptCosts.append(SPFLookupBudget.KeptInclude(sender: sender.slug, flattening: f))
                notes.append("sender \(sender.slug) kept as include:\(entry): " + why.joined(separator: "; "))
            }
            let set = f.passSet
            senderReports.append(SenderReport(
                slug: sender.slug, name: sender.name, entryPoint: entry, passSet: set,
                ranges: set?.networks ?? [], ipv4AddressCount: set?.v4.addressCount ?? 0,
                keptAsInclude: set == nil, keptReasons: reasons, lookups: f.lookups, voidLookups: f.voidLookups,
                upstreamNames: f.upstreamNames, queries: f.queries))
        }
        if pass.isEmpty && kept.isEmpty {
            notes.append("the hosted SPF record authorises no address")
        }
        let budget: SPFLookupBudget
        do {
            switch spec.spfMode {
            case .flatten:
                let spf = try SPFRenderer.render(domain: domain, hostedZone: h, pass: pass, keptIncludes: kept, all: spec.spfAll)
                records += spf.records
                budget = SPFLookupBudget(mode: .flatten, owner: SPFRenderer.owner(domain: domain, hostedZone: h),
                                         chainLinks: spf.records.count - 1, keptIncludes: keptCosts)
            case .macro:
                records.append(try SPFMacroMode.record(domain: domain, hostedZone: h, all: spec.spfAll, keptIncludes: kept))
                budget = SPFLookupBudget(mode: .macro, owner: SPFRenderer.owner(domain: domain, hostedZone: h),
                                         chainLinks: 0, keptIncludes: keptCosts)
            }
            try budget.check(domain: domain)
        } catch {
            throw .spf(error)
        }

        // MTA-STS.
        var document: MTASTSDocument? = nil
        if let m = spec.mtaSTS {
            do {
                let policy = try MTASTSPolicy(mode: m.mode, mx: m.mx, maxAge: m.maxAge)
                document = MTASTSDocument(policy: policy)
                records.append(policy.announcement(domain: domain, hostedZone: h))
            } catch {
                throw .mtaSTS(error)
            }
        }

        // TLS-RPT.
        do {
            records.append(try TLSRPTRecord(rua: [settings.tlsrptMailbox] + spec.tlsrptRUA).hostedRecord(domain: domain, hostedZone: h))
        } catch {
            throw .mtaSTS(error)
        }

        for rec in records where rec.owner.utf8.count + 2 > 255 {
            throw .nameTooLong(name: rec.owner, excess: rec.owner.utf8.count + 2 - 255)
        }

        // Provenance of every network in the pass set: one merge pass per sender.
        let v4Blocks = pass.v4.blocks
        let v6Blocks = pass.v6.blocks
        var sources = [[String]](repeating: [], count: v4Blocks.count + v6Blocks.count)
        func mark(_ set: AddressSet, _ label: String) {
            for (i, hit) in set.v4.overlaps(sortedDisjoint: v4Blocks).enumerated() where hit { sources[i].append(label) }
            for (i, hit) in set.v6.overlaps(sortedDisjoint: v6Blocks).enumerated() where hit { sources[v4Blocks.count + i].append(label) }
        }
        for s in senderReports { if let set = s.passSet { mark(set, s.slug) } }
        mark(own, "own")
        let networks = v4Blocks.map(IPNetwork.v4) + v6Blocks.map(IPNetwork.v6)
        let provenance = zip(networks, sources).map { RangeProvenance(network: $0, sources: $1.sorted()) }

        return DomainBuild(
            domain: domain, records: records, dmarc: dmarc, spfPassSet: pass, passSetsBySender: passSetsBySender,
            keptIncludes: kept, mtaSTSPolicy: document,
            report: BuildReport(senders: senderReports, provenance: provenance,
                                recordSizes: records.map { RecordSize(owner: $0.owner, rdataOctets: $0.rdataLength) },
                                spfMode: spec.spfMode, lookups: budget.lookups, voidLookups: budget.voidLookups,
                                budget: budget, notes: notes))
    }
}
