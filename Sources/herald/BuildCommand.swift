import ArgumentParser
import Foundation
import Inventory
import RecordBuilder
import ZonePublisher

/// `herald build`: resolve every approved sender's SPF tree, build every domain, publish what
/// succeeded. A domain whose build fails keeps its last published records (RFC 7208 §2.6.6).
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Resolve senders and build every domain's records; publish what succeeded.",
        discussion: """
            Upstream SPF trees are read from --offline-zone (an RFC 1035 zone file, e.g. \
            Zones/esp-snapshot.zone) or from the resolver at --resolver (default: the first \
            nameserver in /etc/resolv.conf). Exit status 0 when every domain built, 2 when some \
            failed or were held by the publish gate (their last good records stay published), \
            66 when a --domain is not in the inventory.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Read upstream SPF trees from this zone file instead of DNS.", valueName: "FILE"))
    var offlineZone: String?

    @Option(name: .long, help: ArgumentHelp("Upstream recursive resolver.", valueName: "IP[:PORT]"))
    var resolver: String?

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Build only these domains.", valueName: "DOMAIN"))
    var domain: [String] = []

    func run() async throws {
        let inventory = try global.openInventory()
        let source = try Self.upstream(offlineZone: offlineZone, resolver: resolver)
        let onlyNames = try domain.map { try InventoryName(parsing: $0, argument: "--domain") }
        for name in onlyNames where try inventory.domain(name) == nil {
            throw InventoryError.unknownDomain(name.text)
        }
        let only = onlyNames.map(\.text)
        let publisher = Publisher(inventory: inventory)
        let isTTY = isatty(STDERR_FILENO) == 1
        let outcomes = try await publisher.build(source: source, only: only, now: global.now, progress: { done, total in
            if isTTY || done == total || done % 500 == 0 {
                FileHandle.standardError.write(Data("\rbuilding \(done)/\(total)\(done == total ? "\n" : "")".utf8))
            }
        }, onLifecycleSteps: { steps in
            // Due MTA-STS lifecycle steps run first (mx removals, wind-downs; RFC 8461 §8.3).
            for step in steps { FileHandle.standardError.write(Data("lifecycle: \(step)\n".utf8)) }
        })
        let reports = outcomes.map(BuildReportView.init)
        try global.emit(reports) {
            var lines: [String] = []
            for r in reports {
                lines.append("\(r.domain): \(r.status)\(r.error.map { ": " + $0 } ?? "")")
                if r.records.isEmpty { continue }
                lines.append("  SPF lookups \(r.spfLookups)/10, void lookups \(r.voidLookups)")
                for rec in r.records {
                    lines.append("  \(rec.owner)  \(rec.octets) octets in \(rec.strings) string(s)")
                }
                for s in r.senders {
                    lines.append("  sender \(s.slug): " + (s.keptAsInclude ? "kept as include:\(s.entryPoint ?? "-")" : "\(s.ranges) range(s), \(s.lookups) upstream lookup(s)"))
                }
                for n in r.notes { lines.append("  note: \(n)") }
                if let d = r.diff { lines += Self.describe(d).map { "  " + $0 } }
            }
            let failed = reports.filter { $0.status == "failed" || $0.status == "temporary-failure" }.count
            let held = reports.filter { $0.status == "held" }.count
            lines.append("\(reports.count) domain(s): \(reports.count - failed - held) built, \(held) held, \(failed) failed")
            return lines.joined(separator: "\n")
        }
        if reports.contains(where: { $0.status == "failed" || $0.status == "temporary-failure" || $0.status == "held" }) {
            throw ExitCode(2)
        }
    }

    /// The pass-set diff by sender, one line per change (C10: ESP range churn shows as a diff).
    static func describe(_ d: SPFPassSetDiff) -> [String] {
        d.senders.map { c in
            var parts: [String] = []
            if !c.added.isEmpty { parts.append("+" + c.added.map(\.description).joined(separator: " +")) }
            if !c.removed.isEmpty { parts.append("-" + c.removed.map(\.description).joined(separator: " -")) }
            return "\(c.kind.rawValue) \(c.sender): " + (parts.isEmpty ? "no ranges" : parts.joined(separator: " "))
        }
    }

    /// The upstream source the flags ask for.
    static func upstream(offlineZone: String?, resolver: String?) throws -> any UpstreamSource {
        if let offlineZone {
            do { return try ZoneFileSource(path: offlineZone) } catch {
                throw ValidationError("--offline-zone '\(offlineZone)': \(error)")
            }
        }
        let server = resolver ?? systemResolver() ?? "127.0.0.1"
        do { return try LiveResolver(server: server) } catch {
            throw ValidationError("--resolver '\(server)': \(error)")
        }
    }

    static func systemResolver() -> String? {
        guard let text = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, parts[0] == "nameserver" { return String(parts[1]) }
        }
        return nil
    }
}

/// What `herald build` prints per domain (also its `--json` shape).
struct BuildReportView: Encodable {
    struct Record: Encodable { var owner: String; var octets: Int; var strings: Int; var text: String }
    struct SenderView: Encodable {
        var slug: String; var entryPoint: String?; var ranges: Int; var keptAsInclude: Bool
        var keptReasons: [String]; var lookups: Int; var voidLookups: Int
    }
    var domain: String
    var status: String
    var error: String?
    var spfLookups: Int
    var voidLookups: Int
    var records: [Record]
    var senders: [SenderView]
    var notes: [String]
    var diff: SPFPassSetDiff?

    init(_ o: DomainBuildOutcome) {
        diff = o.diff
        domain = o.domain
        switch o.status {
        case .published(let changed): status = changed ? "published" : "unchanged"; error = nil
        case .held(let reasons):
            status = "held"
            error = "pass set shrinks past the publish gate: " + reasons.joined(separator: "; ")
                + " (last good records stay published; 'herald spf accept \(o.domain)' publishes it)"
        case .failed(let message, let temporary, let kept):
            status = temporary ? "temporary-failure" : "failed"
            error = message + (kept ? " (last good records stay published)" : " (nothing published yet)")
        }
        spfLookups = o.build?.report.lookups ?? 0
        voidLookups = o.build?.report.voidLookups ?? 0
        records = (o.build?.records ?? []).map { Record(owner: $0.owner, octets: $0.rdataLength, strings: $0.strings.count, text: $0.text) }
        senders = (o.build?.report.senders ?? []).map {
            SenderView(slug: $0.slug, entryPoint: $0.entryPoint, ranges: $0.ranges.count, keptAsInclude: $0.keptAsInclude,
                       keptReasons: $0.keptReasons, lookups: $0.lookups, voidLookups: $0.voidLookups)
        }
        notes = o.build?.report.notes ?? []
    }
}
