import Foundation
import Testing

/// Herald's flattened SPF, served over real UDP, against the original sender trees of the ESP
/// snapshot, both evaluated by pyspf's `check_host()` (`Tests/pyspf/equivalence.py`).
@Suite struct PySPFEquivalenceTests {
    /// Operator-defined senders over snapshot trees no catalog sender uses: `a`/`mx` with
    /// CIDR lengths (RFC 7208 §5.3, §5.4, §5.6) and a bare `redirect=` (§6.1).
    static let extraSenders: [(slug: String, name: String, entry: String)] = [
        ("helpdesk", "Helpdesk (a/mx fixture)", "spf.helpdesk.example.net"),
        ("gmail-redirect", "Gmail (redirect fixture)", "gmail.com"),
    ]

    /// Multi-sender domains. Each one's original is a synthetic record
    /// `v=spf1 include:… ip4:RANGE ~all` added to a copy of the snapshot; the sender sets are
    /// chosen so that the original stays within 10 lookups (RFC 7208 §4.6.4), else pyspf would
    /// call the original permerror and nothing could be compared.
    static let multiSender: [(domain: String, senders: [String], range: String)] = [
        ("many-a.test", ["google-workspace", "microsoft-365", "sendgrid", "amazon-ses", "zendesk"], "198.51.100.0/24"),
        ("many-b.test", ["mailchimp", "mandrill", "mailgun", "postmark", "marketo", "brevo", "salesforce"], "2001:db8:5::/48"),
    ]

    @Test func testFlattenedSPFEquivalentToOriginalTreesUnderPySPF() async throws {
        let modules = try await ExternalCommand.run("python3", ["-c", "import spf, dns.resolver, dns.zone"])
        try #require(modules.succeeded, "pyspf or dnspython missing for python3: run `make deps` in \(Repository.root)\n\(modules.stderr)")

        try await withHerald { herald in
            try await herald.require(
                "init", "--zone", "hosted.example.net", "--report-zone", "reports.example.net",
                "--ns", "ns1.hosted.example.net", "--ns", "ns2.hosted.example.net", "--policy-address", "127.0.0.1")
            for extra in Self.extraSenders {
                try await herald.require("sender", "add", extra.slug, extra.name, "--spf", extra.entry)
            }

            // Every catalog sender whose SPF entry point the snapshot holds.
            let snapshot = try SnapshotSPF(path: Repository.snapshotZone)
            let list = try await herald.require("sender", "list", "--json")
            let catalog = try #require(try JSONSerialization.jsonObject(with: Data(list.stdoutBytes)) as? [[String: Any]])
            var entries: [String: String] = [:]
            for sender in catalog {
                if let slug = sender["slug"] as? String, let entry = sender["spf_entry_point"] as? String,
                   snapshot.spfRecord(entry) != nil {
                    entries[slug] = entry
                }
            }
            let expected: Set<String> = ["google-workspace", "microsoft-365", "sendgrid", "mailchimp", "mandrill", "amazon-ses",
                                         "mailgun", "postmark", "zendesk", "marketo", "salesforce", "brevo", "helpdesk", "gmail-redirect"]
            #expect(expected.isSubset(of: Set(entries.keys)), "senders with snapshot entry points: \(entries.keys.sorted())")

            var cases: [[String: String]] = []
            for (slug, entry) in entries.sorted(by: { $0.key < $1.key }) {
                let domain = "\(slug).test"
                try await herald.require("domain", "add", domain, "--sender", slug)
                cases.append(["sender": slug, "entry": entry, "hosted": try await Self.hostedSPFName(herald, domain)])
                // The same sender in macro mode: `exists:%{i}._ip.D._spf.H`, answered from the
                // pass set by the responder (issue 3; RFC 7208 §5.7, §7.3).
                let macroDomain = "\(slug).macro.test"
                try await herald.require("domain", "add", macroDomain, "--sender", slug, "--spf-mode", "macro")
                cases.append(["sender": slug + " (macro)", "entry": entry, "hosted": try await Self.hostedSPFName(herald, macroDomain)])
            }

            // Multi-sender domains with an own range, against synthetic originals.
            var augmented = try String(contentsOfFile: Repository.snapshotZone, encoding: .utf8)
            augmented += "\n; --- synthetic originals for the multi-sender cases (integration test) ---\n"
            for many in Self.multiSender {
                var arguments = ["domain", "add", many.domain]
                for slug in many.senders { arguments += ["--sender", slug] }
                let added = try await herald.run(arguments)
                try #require(added.succeeded, "\(added)")
                try await herald.require("range", "add", many.domain, many.range, "--note", "own relay")
                let includes = try many.senders.map { slug in
                    "include:" + (try #require(entries[slug], "no entry point for \(slug)"))
                }
                let family = many.range.contains(":") ? "ip6" : "ip4"
                let original = (["v=spf1"] + includes + ["\(family):\(many.range)", "~all"]).joined(separator: " ")
                let originalName = "\(many.domain.replacingOccurrences(of: ".test", with: "")).original.invalid"
                #expect(try SnapshotSPFCount.lookups(original, snapshot) <= 10, "synthetic original \(originalName) exceeds 10 lookups")
                augmented += "\(originalName). TXT \(Self.quotedStrings(original))\n"
                cases.append(["sender": many.domain, "entry": originalName, "hosted": try await Self.hostedSPFName(herald, many.domain)])
                let macroDomain = many.domain.replacingOccurrences(of: ".test", with: ".macro.test")
                var macroArguments = ["domain", "add", macroDomain, "--spf-mode", "macro"]
                for slug in many.senders { macroArguments += ["--sender", slug] }
                let macroAdded = try await herald.run(macroArguments)
                try #require(macroAdded.succeeded, "\(macroAdded)")
                try await herald.require("range", "add", macroDomain, many.range, "--note", "own relay")
                cases.append(["sender": macroDomain, "entry": originalName, "hosted": try await Self.hostedSPFName(herald, macroDomain)])
            }
            let zonePath = herald.directory + "/snapshot-augmented.zone"
            try augmented.write(toFile: zonePath, atomically: true, encoding: .utf8)

            let build = try await herald.run(["build", "--offline-zone", zonePath])
            try #require(build.succeeded, "offline build of the equivalence inventory failed: \(build)")

            try await herald.withServer { server in
                // Two shards run side by side (one python process per core); the cases are dealt
                // so that each shard gets as many macro-mode cases (one wire query per address)
                // as flattened ones. Same seed, so both shards sample the same addresses.
                var shards: [[[String: String]]] = [[], []]
                for (index, c) in cases.enumerated() { shards[[0, 1, 1, 0][index % 4]].append(c) }
                var paths: [String] = []
                for (index, shard) in shards.enumerated() {
                    let manifest: [String: Any] = [
                        "dns": "127.0.0.1:\(server.dnsPort)",
                        "hosted_zone": "hosted.example.net",
                        "snapshot": zonePath,
                        "cases": shard,
                        "samples_per_case": 300,
                        "seed": 7,
                    ]
                    let path = herald.directory + "/manifest-\(index).json"
                    try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
                        .write(to: URL(fileURLWithPath: path))
                    paths.append(path)
                }
                let script = Repository.root + "/Tests/pyspf/equivalence.py"
                async let first = ExternalCommand.run("python3", [script, paths[0]], timeout: .seconds(240))
                async let second = ExternalCommand.run("python3", [script, paths[1]], timeout: .seconds(240))
                let runs = try await [first, second]
                for (index, run) in runs.enumerated() {
                    let summary = run.stdout.split(separator: "\n").suffix(2).joined(separator: "\n")
                    print("pyspf equivalence shard \(index + 1)/2 (\(shards[index].count) of \(cases.count) cases):\n\(run.stdout)")
                    #expect(run.succeeded, "pyspf equivalence failed in shard \(index + 1):\n\(run)")
                    #expect(summary.hasSuffix(" 0 failed"), "shard \(index + 1) summary: \(summary)")
                    #expect(run.stdout.contains("over \(shards[index].count) cases"), "shard \(index + 1) did not run every case: \(summary)")
                }
                #expect(shards.map(\.count).reduce(0, +) == cases.count)
            }
        }
    }

    /// The name the customer's `include:` points at, from `herald records D --json`.
    static func hostedSPFName(_ herald: HeraldProcess, _ domain: String) async throws -> String {
        let records = try await herald.require("records", domain, "--json")
        let view = try #require(try JSONSerialization.jsonObject(with: Data(records.stdoutBytes)) as? [String: Any])
        let customer = try #require(view["customerPublishes"] as? [[String: Any]])
        let apex = try #require(customer.first { $0["name"] as? String == "\(domain)." && $0["type"] as? String == "TXT" })
        let value = try #require(apex["value"] as? String)
        let include = try #require(value.replacingOccurrences(of: "\"", with: "").split(separator: " ")
            .first { $0.hasPrefix("include:") }, "no include in \(value)")
        return String(include.dropFirst("include:".count))
    }

    /// `text` as one or more quoted ≤255-octet character-strings (RFC 1035 §3.3.14).
    static func quotedStrings(_ text: String) -> String {
        var chunks: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            chunks.append("\"" + rest.prefix(250) + "\"")
            rest = rest.dropFirst(250)
        }
        return chunks.joined(separator: " ")
    }
}

/// Lookup counting for a record text that is not (yet) in the snapshot.
enum SnapshotSPFCount {
    static func lookups(_ record: String, _ snapshot: SnapshotSPF) throws -> Int {
        var copy = snapshot
        copy.txt["synthetic.invalid"] = [record]
        return copy.lookupTerms(below: "synthetic.invalid")
    }
}
