import Foundation
import Inventory
import RecordBuilder
import Synchronization
import Testing
@testable import ZonePublisher

/// One upstream question: record type (`TXT`, `A`, `AAAA`, `MX`) and name as asked.
struct UpstreamQuestion: Hashable, Sendable, CustomStringConvertible {
    var type: String
    var name: String
    var description: String { "\(type) \(name)" }
}

/// An in-memory, mutable ``UpstreamSource`` for publisher tests.
///
/// Answers come from zone-like text (`name TYPE data`, absolute names, TXT/A/AAAA/MX; `;`
/// comments) that can be replaced between builds (``load(_:)``, ``setTXT(_:_:)``), or from a
/// wrapped source (``init(wrapping:)``). A name with any record exists, a missing type is NODATA
/// (`[]`), a missing name is NXDOMAIN. ``failTemporarily(_:reason:)`` makes every question for a
/// name throw ``UpstreamError/temporary(name:reason:)``; ``route(_:to:)`` sends a name's questions
/// to another source (a real resolver). Every question is counted per (type, name) before it is
/// answered, whatever the outcome.
final class FixtureUpstream: UpstreamSource, Sendable {
    private struct State: Sendable {
        var txt: [String: [String]] = [:]
        var a: [String: [IPv4Address]] = [:]
        var aaaa: [String: [IPv6Address]] = [:]
        var mx: [String: [(Int, String)]] = [:]
        var names: Set<String> = []
        var failures: [String: String] = [:]
        var routes: [String: any UpstreamSource] = [:]
        var counts: [UpstreamQuestion: Int] = [:]
    }

    private let state = Mutex(State())
    private let base: (any UpstreamSource)?

    /// Answers from zone-like text.
    init(_ zoneText: String = "") {
        base = nil
        load(zoneText)
    }

    /// Answers from `base`, counting the questions (failures and routes still apply).
    init(wrapping base: any UpstreamSource) {
        self.base = base
    }

    /// Replaces every answer with those in `zoneText` (failures and routes are kept).
    func load(_ zoneText: String) {
        var fresh = State()
        for raw in zoneText.split(whereSeparator: \.isNewline) {
            let fields = Self.fields(String(raw))
            guard fields.count >= 3 else {
                precondition(fields.isEmpty, "fixture line needs NAME TYPE DATA: \(raw)")
                continue
            }
            let owner = Self.key(fields[0])
            fresh.names.insert(owner)
            switch fields[1].uppercased() {
            case "TXT": fresh.txt[owner, default: []].append(fields.dropFirst(2).joined())
            case "A": fresh.a[owner, default: []].append(IPv4Address(fields[2])!)
            case "AAAA": fresh.aaaa[owner, default: []].append(IPv6Address(fields[2])!)
            case "MX": fresh.mx[owner, default: []].append((Int(fields[2])!, Self.key(fields[3])))
            default: preconditionFailure("fixture: unsupported type in \(raw)")
            }
        }
        state.withLock { s in
            fresh.failures = s.failures
            fresh.routes = s.routes
            fresh.counts = s.counts
            s = fresh
        }
    }

    /// Replaces the TXT records at `name` (creating the name); `[]` leaves it with none.
    func setTXT(_ name: String, _ texts: [String]) {
        state.withLock { s in
            s.names.insert(Self.key(name))
            s.txt[Self.key(name)] = texts
        }
    }

    /// Removes `name` and its records (NXDOMAIN from now on).
    func remove(_ name: String) {
        state.withLock { s in
            let k = Self.key(name)
            s.names.remove(k)
            s.txt[k] = nil
            s.a[k] = nil
            s.aaaa[k] = nil
            s.mx[k] = nil
        }
    }

    /// Every question for `name` throws a temporary error with `reason` until ``heal(_:)``.
    func failTemporarily(_ name: String, reason: String = "timeout after 2 attempts") {
        state.withLock { $0.failures[Self.key(name)] = reason }
    }

    /// Ends an injected failure.
    func heal(_ name: String) {
        state.withLock { $0.failures[Self.key(name)] = nil }
    }

    /// Sends every question for `name` to `source`.
    func route(_ name: String, to source: any UpstreamSource) {
        state.withLock { $0.routes[Self.key(name)] = source }
    }

    /// How often each question was asked since creation or ``resetCounts()``.
    var counts: [UpstreamQuestion: Int] { state.withLock { $0.counts } }

    /// Forgets the counts.
    func resetCounts() { state.withLock { $0.counts = [:] } }

    /// Counts the question and returns where to answer it from.
    private func ask(_ type: String, _ name: String) throws -> (route: (any UpstreamSource)?, state: State?) {
        let k = Self.key(name)
        return try state.withLock { s in
            s.counts[UpstreamQuestion(type: type, name: k), default: 0] += 1
            if let reason = s.failures[k] { throw UpstreamError.temporary(name: k, reason: reason) }
            if let r = s.routes[k] { return (r, nil) }
            if let base { return (base, nil) }
            if !s.names.contains(k) { throw UpstreamError.nxdomain(name: k) }
            return (nil, s)
        }
    }

    func txt(_ name: String) async throws -> [String] {
        let (route, s) = try ask("TXT", name)
        if let route { return try await route.txt(name) }
        return s!.txt[Self.key(name)] ?? []
    }

    func a(_ name: String) async throws -> [IPv4Address] {
        let (route, s) = try ask("A", name)
        if let route { return try await route.a(name) }
        return s!.a[Self.key(name)] ?? []
    }

    func aaaa(_ name: String) async throws -> [IPv6Address] {
        let (route, s) = try ask("AAAA", name)
        if let route { return try await route.aaaa(name) }
        return s!.aaaa[Self.key(name)] ?? []
    }

    func mx(_ name: String) async throws -> [String] {
        let (route, s) = try ask("MX", name)
        if let route { return try await route.mx(name) }
        return (s!.mx[Self.key(name)] ?? []).sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Lowercase, no trailing dot.
    static func key(_ name: String) -> String {
        var n = name.lowercased()
        if n.hasSuffix(".") { n.removeLast() }
        return n
    }

    /// Whitespace-separated fields; quoted strings keep their spaces and lose their quotes; `;`
    /// outside quotes starts a comment.
    static func fields(_ line: String) -> [String] {
        var out: [String] = [], current = "", quoted = false, inQuote = false
        for c in line {
            if inQuote {
                if c == "\"" { inQuote = false } else { current.append(c) }
            } else if c == "\"" {
                inQuote = true
                quoted = true
            } else if c == ";" {
                break
            } else if c == " " || c == "\t" {
                if !current.isEmpty || quoted { out.append(current) }
                current = ""
                quoted = false
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty || quoted { out.append(current) }
        return out
    }
}

/// A temporary inventory (initialised, H = hosted.example.net, R = reports.example.net) with a
/// publisher; the directory is removed when the value goes away.
final class PublisherHarness {
    /// 2026-01-01T00:00:00Z; every time in these tests is `t0 + n`, never the wall clock.
    static let t0: Int64 = 1_767_225_600
    static let hostedZone = "hosted.example.net"

    let directory: URL
    let inventory: Inventory
    let publisher: Publisher

    init(shrinkThreshold: Double = 0.10) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pubtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        inventory = try Inventory(path: directory.appendingPathComponent("herald.sqlite").path)
        let settings = InventorySettings(
            hostedZone: try InventoryName(parsing: Self.hostedZone, argument: "--zone"),
            reportZone: try InventoryName(parsing: "reports.example.net", argument: "--report-zone"),
            nameServers: [try InventoryName(parsing: "ns1.example.net", argument: "--ns")],
            policyAddresses: [InventoryAddress("192.0.2.80")!],
            spfShrinkThreshold: shrinkThreshold)
        try inventory.initialize(settings, actor: "test", now: Self.t0)
        publisher = Publisher(inventory: inventory)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Adds an operator-defined sender whose SPF lives at `entry`.
    func addSender(_ slug: String, entry: String) throws {
        try inventory.addSender(
            Sender(slug: try SenderSlug(parsing: slug, argument: "SLUG"), displayName: slug.uppercased(),
                   spfEntryPoint: try InventoryName(parsing: entry, argument: "--spf", kind: .serviceName)),
            actor: "test", now: Self.t0)
    }

    /// Adds customer domain `name` approving `senders` (slugs).
    func addDomain(_ name: String, senders: [String], changes: DomainChanges = DomainChanges()) throws {
        try inventory.addDomain(dname(name), changes: changes,
                                senders: try senders.map { try SenderSlug(parsing: $0, argument: "SLUG") },
                                actor: "test", now: Self.t0)
    }

    /// Builds every domain at `t0 + offset`.
    func build(_ source: any UpstreamSource, at offset: Int64) async throws -> [DomainBuildOutcome] {
        try await publisher.build(source: source, now: Self.t0 + offset, actor: "test build", concurrency: 4)
    }

    /// The published state of `domain` (required to exist).
    func state(_ domain: String) throws -> PublishedState {
        try #require(try inventory.publishedState(dname(domain)))
    }

    /// `D._spf.H`.
    static func spfOwner(_ domain: String) -> String { "\(domain)._spf.\(hostedZone)" }

    /// The SPF records (top and chain links) among `records`, in chain order: `D._spf.H`, then
    /// `_1.D._spf.H`, `_2.D._spf.H`, ….
    static func spfRecords(_ domain: String, in records: [PublishedRecord]) -> [PublishedRecord] {
        let owner = spfOwner(domain)
        func rank(_ r: PublishedRecord) -> Int {
            r.owner == owner ? 0 : Int(r.owner.dropFirst().prefix { $0 != "." }) ?? Int.max
        }
        return records.filter { $0.owner == owner || $0.owner.hasSuffix("." + owner) }.sorted { rank($0) < rank($1) }
    }

    /// The SPF records of `domain` that ``Publisher/currentRecords(_:)`` would serve now.
    func servedSPF(_ domain: String) async throws -> [PublishedRecord] {
        let current = await Publisher.currentRecords(try inventory.snapshot())
        return Self.spfRecords(domain, in: current.records.map { PublishedRecord(owner: $0.owner, strings: $0.strings) })
    }

    /// The `ip4:`/`ip6:` networks named in SPF records, as written.
    static func networks(in records: [PublishedRecord]) -> [String] {
        records.flatMap { r in
            r.strings.joined().split(separator: " ").compactMap { term -> String? in
                term.hasPrefix("ip4:") || term.hasPrefix("ip6:") ? String(term.dropFirst(4)) : nil
            }
        }
    }
}

/// A domain name as the inventory takes it.
func dname(_ text: String) throws -> InventoryName { try InventoryName(parsing: text, argument: "DOMAIN") }

/// A canonical network.
func net(_ text: String) -> IPNetwork { try! IPNetwork.parse(text) }

/// The outcome for `domain` among `outcomes` (required).
func outcome(_ domain: String, in outcomes: [DomainBuildOutcome],
             sourceLocation: SourceLocation = #_sourceLocation) throws -> DomainBuildOutcome {
    try #require(outcomes.first { $0.domain == domain }, sourceLocation: sourceLocation)
}

/// The shared ESP fixture, found by walking up from this file until `shared/fixtures/esp-snapshot.zone` exists.
func espSnapshotFile() throws -> String {
    var dir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    while dir.path != "/" {
        let candidate = dir.appendingPathComponent("shared/fixtures/esp-snapshot.zone")
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
        dir = dir.deletingLastPathComponent()
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "shared/fixtures/esp-snapshot.zone"])
}

extension DomainBuildOutcome.Status {
    /// `(message, temporary, keptLastGood)` when failed.
    var failure: (message: String, temporary: Bool, keptLastGood: Bool)? {
        if case let .failed(m, t, k) = self { return (m, t, k) }
        return nil
    }

    /// The reasons when held.
    var heldReasons: [String]? {
        if case let .held(r) = self { return r }
        return nil
    }

    /// `changed` when published.
    var publishedChanged: Bool? {
        if case let .published(c) = self { return c }
        return nil
    }
}
