import Testing
@testable import RecordBuilder

/// The linear renderer against the original one (kept here, verbatim in behaviour, as the
/// reference): flatten-mode output must stay byte-identical for every input (RFC 7208 §3.3,
/// §3.4, §4.6.4), including the errors.
@Suite struct SPFRendererReferenceTests {
    /// The first renderer: re-splits the whole candidate term list for every term it adds.
    static func referenceRender(domain: String, hostedZone: String, pass: AddressSet, keptIncludes: [SPFKeptInclude],
                                all: SPFQualifier, maxRDATA: Int? = nil) throws(SPFRenderError) -> SPFRendering {
        let d = normalizedDomain(domain)
        guard all != .pass else { throw .permissiveAll(domain: d) }
        let top = SPFRenderer.owner(domain: d, hostedZone: hostedZone)
        var kept: [SPFKeptInclude] = []
        for k in keptIncludes.sorted(by: { $0.name < $1.name }) where !kept.contains(where: { $0.name == k.name }) {
            kept.append(k)
        }
        let terms = pass.networks.map(\.spfTerm) + kept.map { "include:\($0.name)" }
        let allTerm = (all == .pass ? "" : all.rawValue) + "all"

        func record(_ owner: String, _ body: [String]) -> HostedTXT? {
            guard let strings = HostedTXT.split(terms: ["v=spf1"] + body) else { return nil }
            let r = HostedTXT(owner: owner, strings: strings)
            return r.rdataLength <= (maxRDATA ?? SPFRenderer.rdataLimit(owner: owner)) ? r : nil
        }

        var records: [HostedTXT] = []
        var index = 0
        var link = 0
        while true {
            let name = link == 0 ? top : "_\(link).\(top)"
            if name.utf8.count + 2 > 255 { throw .nameTooLong(name: name, excess: name.utf8.count + 2 - 255) }
            let tail = link == 0 ? [allTerm] : []
            if let r = record(name, Array(terms[index...]) + tail) {
                records.append(r)
                break
            }
            let next = "include:_\(link + 1).\(top)"
            var take = 0
            var best: HostedTXT? = nil
            while index + take < terms.count,
                  let r = record(name, Array(terms[index..<(index + take + 1)]) + [next] + tail) {
                best = r
                take += 1
            }
            guard let best, take > 0 else { throw .termTooLong(owner: name, term: terms[index]) }
            records.append(best)
            index += take
            link += 1
        }
        let keptCost = kept.reduce(0) { $0 + 1 + $1.lookups }
        let lookups = 1 + keptCost + (records.count - 1)
        guard lookups <= 10 else {
            throw .tooManyLookups(domain: d, count: lookups, breakdown:
                "1 for include:\(top), \(keptCost) for \(kept.count) kept include(s), \(records.count - 1) for chain links")
        }
        return SPFRendering(records: records, lookups: lookups)
    }

    static func outcome(_ body: () throws(SPFRenderError) -> SPFRendering) -> Result<SPFRendering, SPFRenderError> {
        do { return .success(try body()) } catch { return .failure(error) }
    }

    @Test func linearRendererMatchesTheReference() throws {
        var rng = SplitMix64(seed: 450)
        func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var successes = 0, failures = 0, chains = 0
        for round in 0..<600 {
            var nets: [IPNetwork] = []
            for _ in 0..<int([4, 40, 120, 300][round % 4]) {
                if int(4) == 0 {
                    nets.append(.v6(CIDRBlock(address: IPv6Address(UInt128(rng.next()) << 64 | UInt128(rng.next())), prefixLength: 16 + int(113))))
                } else {
                    nets.append(.v4(CIDRBlock(address: IPv4Address(UInt32(truncatingIfNeeded: rng.next())), prefixLength: 8 + int(25))))
                }
            }
            var kept: [SPFKeptInclude] = []
            for _ in 0..<int(4) {
                // Up to 250-octet names: some cannot fit one character-string with "include:".
                let label = String(repeating: "k", count: 1 + int(60))
                let name = (0..<(1 + int(4))).map { _ in label }.joined(separator: ".") + ".example.net"
                kept.append(SPFKeptInclude(name: name, lookups: int(3)))
            }
            let zone = ["h.example", "hosted.example.net", String(repeating: "z", count: 60) + ".operator.example.net"][int(3)]
            let all = [SPFQualifier.fail, .softfail, .neutral, .pass][int(4) == 0 ? 3 : int(3)]
            let max: Int? = [nil, 120, 200, 300, 450, 700][int(6)]
            let pass = AddressSet(nets)
            let mine = Self.outcome { () throws(SPFRenderError) in
                try SPFRenderer.render(domain: "customer\(round).example.com", hostedZone: zone, pass: pass,
                                       keptIncludes: kept, all: all, maxRDATA: max)
            }
            let reference = Self.outcome { () throws(SPFRenderError) in
                try Self.referenceRender(domain: "customer\(round).example.com", hostedZone: zone, pass: pass,
                                         keptIncludes: kept, all: all, maxRDATA: max)
            }
            #expect(mine == reference, "round \(round)")
            switch reference {
            case .success(let r): successes += 1; if r.records.count > 1 { chains += 1 }
            case .failure: failures += 1
            }
        }
        // The sample covers single records, chains and refusals.
        #expect(successes > 150 && chains > 50 && failures > 100, "\(successes) \(chains) \(failures)")
    }

    @Test func renderingThousandsOfNetworksStaysCheap() throws {
        // 2,000 networks need ~100 records: far over the lookup budget, but the packing itself
        // must finish (the old renderer re-split the remaining terms for every link).
        let nets = (0..<2000).map { i in IPNetwork.v4(CIDRBlock(address: IPv4Address(0x0A00_0000 | UInt32(i) << 8), prefixLength: 25)) }
        #expect(throws: SPFRenderError.self) {
            try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net", pass: AddressSet(nets), keptIncludes: [], all: .fail)
        }
        do {
            _ = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net", pass: AddressSet(nets), keptIncludes: [], all: .fail)
        } catch {
            guard case .tooManyLookups(_, let count, _) = error else { Issue.record("\(error)"); return }
            #expect(count > 90)
        }
    }
}
