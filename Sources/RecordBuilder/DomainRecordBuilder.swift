/// Builds every hosted record of one customer domain (RECORDS.md): DMARC at `D._dmarc.H`,
/// report authorizations `D._report._dmarc.<host in R>`, flattened SPF at `D._spf.H` with
/// chain links, the MTA-STS announcement `D._mta-sts.H` with its policy document, and TLS-RPT
/// at `D._smtp._tls.H`.
///
/// A pure function of the settings, the spec and the upstream answers: identical inputs give
/// byte-identical records.
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
    ///   - flattener: a flattener run to share across domains (each upstream name asked once);
    ///     `nil` starts a new run.
    /// - Throws: ``BuildFailure``: `.temporary` for a retryable DNS failure, otherwise a
    ///   permanent error naming the sender and term, field and value, or record.
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
        var pass = AddressSet(spec.ownRanges)
        var kept: [SPFKeptInclude] = []
        var senderReports: [SenderReport] = []
        var notes: [String] = []
        var keptVoids = 0
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
            case .keptAsInclude(let why):
                reasons = why
                kept.append(SPFKeptInclude(name: entry, lookups: f.lookups))
                keptVoids += f.voidLookups
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
        let spf: SPFRendering
        do {
            spf = try SPFRenderer.render(domain: domain, hostedZone: h, pass: pass, keptIncludes: kept, all: spec.spfAll)
        } catch {
            throw .spf(error)
        }
        records += spf.records

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

        // Provenance of every published network.
        let own = AddressSet(spec.ownRanges)
        let provenance = pass.networks.map { net -> RangeProvenance in
            let piece = AddressSet([net])
            var sources = senderReports.compactMap { s -> String? in
                guard let set = s.passSet, !set.intersection(piece).isEmpty else { return nil }
                return s.slug
            }
            if !own.intersection(piece).isEmpty { sources.append("own") }
            return RangeProvenance(network: net, sources: sources.sorted())
        }

        return DomainBuild(
            domain: domain, records: records, dmarc: dmarc, spfPassSet: pass, keptIncludes: kept,
            mtaSTSPolicy: document,
            report: BuildReport(senders: senderReports, provenance: provenance,
                                recordSizes: records.map { RecordSize(owner: $0.owner, rdataOctets: $0.rdataLength) },
                                lookups: spf.lookups, voidLookups: keptVoids, notes: notes))
    }
}
