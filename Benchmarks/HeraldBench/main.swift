// herald-bench: measures `herald build` at scale (issue 3). Prints figures; asserts nothing.
//
//   herald-bench --domains 10000 --resolver 127.0.0.1:PORT --db /tmp/bench.sqlite
//   herald-bench inventory --domains 100000 --offline-zone Zones/esp-snapshot.zone --db DB [--mta-sts]
//
// Creates an inventory of N customer domains, each approving 3–6 providers from the ESP
// snapshot (seeded, reproducible), then times one full build against the upstream resolver
// (a local authoritative server over real UDP), counting every upstream question.
//
// The `inventory` mode (issue 4, Benchmarks/dns-vs-nsd.sh) only makes the inventory (with
// `--mta-sts`, every domain also hosts an MTA-STS policy in `testing` mode, so it has all four
// TXT records: DMARC, SPF, MTA-STS id, TLS-RPT), builds it once from the offline zone file and
// keeps the database for `herald serve` and `herald zone export`.
import Foundation
import Inventory
import RecordBuilder
import Synchronization
import ZonePublisher

/// Counts every upstream question by (type, name).
final class CountingSource: UpstreamSource {
    let inner: any UpstreamSource
    let counts = Mutex<[String: Int]>([:])
    init(_ inner: any UpstreamSource) { self.inner = inner }
    func note(_ key: String) { counts.withLock { $0[key, default: 0] += 1 } }
    func txt(_ name: String) async throws -> [String] { note("TXT \(name)"); return try await inner.txt(name) }
    func a(_ name: String) async throws -> [IPv4Address] { note("A \(name)"); return try await inner.a(name) }
    func aaaa(_ name: String) async throws -> [IPv6Address] { note("AAAA \(name)"); return try await inner.aaaa(name) }
    func mx(_ name: String) async throws -> [String] { note("MX \(name)"); return try await inner.mx(name) }
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func argument(_ name: String, _ fallback: String? = nil) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    guard let fallback else { FileHandle.standardError.write(Data("missing \(name)\n".utf8)); exit(64) }
    return fallback
}

let domains = Int(argument("--domains", "10000"))!
let inventoryMode = CommandLine.arguments.dropFirst().first == "inventory"
let resolver = inventoryMode ? "" : argument("--resolver")
let withMTASTS = CommandLine.arguments.contains("--mta-sts")
let dbPath = argument("--db", NSTemporaryDirectory() + "herald-bench-\(getpid()).sqlite")
let providers = ["google-workspace", "microsoft-365", "sendgrid", "mailchimp", "mandrill", "amazon-ses",
                 "mailgun", "postmark", "zendesk", "marketo", "salesforce", "brevo"]

for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbPath + suffix) }
let inventory = try Inventory(path: dbPath)
let now = Int64(Date().timeIntervalSince1970)
try inventory.initialize(
    InventorySettings(hostedZone: InventoryName(parsing: "hosted.example.net", argument: "zone"),
                      reportZone: InventoryName(parsing: "reports.example.net", argument: "zone"),
                      nameServers: [InventoryName(parsing: "ns1.hosted.example.net", argument: "ns")],
                      policyAddresses: [InventoryAddress("127.0.0.1")!]),
    actor: "bench", now: now)
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 { state &+= 0x9E37_79B9_7F4A_7C15; var z = state; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return z ^ (z >> 31) }
}
var seeded = Seeded(state: 42)
let setupStart = ContinuousClock.now
for i in 0..<domains {
    let count = Int.random(in: 3...6, using: &seeded)
    let chosen = Array(providers.shuffled(using: &seeded).prefix(count))
    let name = try InventoryName(parsing: "customer\(i).example", argument: "domain")
    var changes = DomainChanges()
    if withMTASTS { changes.mxPatterns = .set([try MXPattern(parsing: "mx.customer\(i).example", argument: "mx")]) }
    _ = try inventory.addDomain(name, changes: changes,
                                senders: try chosen.map { try SenderSlug(parsing: $0, argument: "sender") },
                                actor: "bench", now: now)
    if withMTASTS { _ = try inventory.setMTASTS(name, mode: .testing, actor: "bench", now: now) }
}
let setup = ContinuousClock.now - setupStart

if inventoryMode {
    let zonePath = argument("--offline-zone")
    let start = ContinuousClock.now
    let outcomes = try await Publisher(inventory: inventory).build(source: try ZoneFileSource(path: zonePath), now: now)
    let failed = outcomes.filter { if case .failed = $0.status { return true }; return false }.count
    print("inventory \(dbPath): \(domains) domains (\(failed) failed builds), setup \(setup), build \(ContinuousClock.now - start)")
    exit(failed == 0 ? 0 : 1)
}

// Phases on their own, for the breakdown (a warm-up of the same code paths).
func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
let phaseSource = try LiveResolver(server: resolver)
var t0 = ContinuousClock.now
let snap = try inventory.snapshot()
let readTime = ContinuousClock.now - t0
let builder = DomainRecordBuilder(settings: Publisher.operatorSettings(snap.settings), source: phaseSource)
let phaseFlattener = SPFFlattener(source: phaseSource)
t0 = ContinuousClock.now
for entry in snap.entries { _ = try await builder.build(Publisher.spec(entry), flattener: phaseFlattener) }
let recordTime = ContinuousClock.now - t0
print(String(format: "phase: read inventory %.3f s, build records (sequential, shared run) %.3f s", seconds(readTime), seconds(recordTime)))

let source = CountingSource(try LiveResolver(server: resolver))
let publisher = Publisher(inventory: inventory)
let start = ContinuousClock.now
let outcomes = try await publisher.build(source: source, now: now)
let elapsed = ContinuousClock.now - start
let counts = source.counts.withLock { $0 }
let failed = outcomes.filter { if case .failed = $0.status { return true }; return false }.count
let total = counts.values.reduce(0, +)
let repeated = counts.filter { $0.value > 1 }
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("domains              \(domains) (\(failed) failed)")
print("inventory setup      \(setup)")
print(String(format: "build wall time      %.3f s  (%.0f domains/s)", seconds, Double(domains) / seconds))
print("upstream queries     \(total) for \(counts.count) distinct (type, name); asked more than once: \(repeated.count)")
for (k, v) in repeated.sorted(by: { $0.key < $1.key }).prefix(10) { print("  \(k): \(v)") }
print(String(format: "peak RSS             %.1f MiB", peakRSSMiB()))
