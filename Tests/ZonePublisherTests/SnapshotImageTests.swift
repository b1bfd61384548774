import DNSAuthority
import DNSCore
import Foundation
import Inventory
import Logging
import RecordBuilder
import Synchronization
import Testing
@testable import ZonePublisher

/// The snapshot image `herald serve` restarts from (``SnapshotImageFile``): served at once only
/// when its inventory generation is current, then replaced by a rebuild that keeps the serial
/// when nothing changed; damaged or stale images are not served.
@Suite struct SnapshotImageTests {
    static let quiet = Logger(label: "imagetest", factory: { _ in SwiftLogNoOpLogHandler() })

    final class Published: Sendable {
        let serials = Mutex<[UInt32]>([])
        let snapshots = Mutex<[PublishedSnapshot]>([])
        func add(_ s: PublishedSnapshot) {
            serials.withLock { $0.append(s.serial) }
            snapshots.withLock { $0.append(s) }
        }
    }

    static func service(_ h: PublisherHarness, image: String, clock: Int64, into published: Published) -> ReloadService {
        ReloadService(inventory: h.inventory, interval: .milliseconds(20), logger: quiet,
                      clock: { PublisherHarness.t0 + clock }, imagePath: image, publish: { published.add($0) })
    }

    static func answer(_ name: String, _ type: RRType, _ zones: ZoneSnapshot) throws -> [UInt8] {
        try #require(Responder().respond(
            to: try DNSMessage(header: DNSHeader(id: 7), questions: [DNSQuestion(name: DNSName(name), type: type)]).encode(),
            transport: .udp, snapshot: zones))
    }

    @Test func restartServesTheImageThenRebuildsWithTheSameSerial() async throws {
        let h = try await SnapshotSerialTests.harness()
        let image = h.directory.appendingPathComponent("herald.sqlite.image").path

        // First start: no image yet, built from the inventory, image written.
        let first = Published()
        let s1 = try await Self.service(h, image: image, clock: 1000, into: first).initialSnapshot()
        #expect(!s1.records.isEmpty)
        let stored = try #require(try SnapshotImageFile.read(path: image))
        #expect(stored.serial == s1.serial)
        #expect(stored.inventoryGeneration == (try h.inventory.inventoryGeneration()))
        #expect(stored.policies == s1.policies)

        // Restart: the image is served as is (no records list: nothing was rebuilt), answering
        // byte for byte like the built snapshot.
        let second = Published()
        let service = Self.service(h, image: image, clock: 2000, into: second)
        let s2 = try await service.initialSnapshot()
        #expect(s2.records.isEmpty)
        #expect(s2.serial == s1.serial)
        for (name, type) in [("example.com._dmarc.hosted.example.net", RRType.txt),
                             (PublisherHarness.spfOwner("example.com"), .txt), ("hosted.example.net", .soa),
                             ("nothing.hosted.example.net", .txt)] {
            #expect(try Self.answer(name, type, s2.zones) == Self.answer(name, type, s1.zones))
        }

        // run() rebuilds from the inventory at once; same content, so the serial stays.
        let task = Task { try await service.run() }
        let deadline = ContinuousClock.now + .seconds(120)
        while second.snapshots.withLock({ $0.count }) < 2 && ContinuousClock.now < deadline { await Task.yield() }
        task.cancel()
        try #require(second.snapshots.withLock { $0.count } >= 2, "run() published no rebuild")
        let rebuilt = try #require(second.snapshots.withLock { $0.last })
        #expect(!rebuilt.records.isEmpty)
        #expect(rebuilt.serial == s1.serial)
        #expect(rebuilt.records == s1.records)
    }

    @Test func staleOrDamagedImagesAreNotServed() async throws {
        let h = try await SnapshotSerialTests.harness()
        let image = h.directory.appendingPathComponent("herald.sqlite.image").path
        let s1 = try await Self.service(h, image: image, clock: 1000, into: Published()).initialSnapshot()

        // The inventory changed while serve was down: the image is from an older generation.
        try h.inventory.setStage(dname("example.com"), to: .quarantineTest, force: true, reason: "test",
                                 actor: "operator", now: PublisherHarness.t0 + 1100)
        let stale = try #require(try SnapshotImageFile.read(path: image))
        let s2 = try await Self.service(h, image: image, clock: 1000, into: Published()).initialSnapshot()
        #expect(!s2.records.isEmpty)   // built, not the image
        #expect(s2.serial > s1.serial)
        #expect(SnapshotSerialTests.dmarc(s2)?.contains("p=quarantine") == true)
        #expect(stale.serial == s1.serial)

        // A damaged image (one octet flipped in the payload) is refused by its checksum.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: image))
        #expect(throws: SnapshotImageFile.ImageError.self) { _ = try SnapshotImageFile.read(path: image) }
        let s3 = try await Self.service(h, image: image, clock: 1000, into: Published()).initialSnapshot()
        #expect(!s3.records.isEmpty)
        #expect(s3.serial >= s2.serial)   // a start without an image never reuses an older serial
        // …and replaced by a good one.
        #expect(try SnapshotImageFile.read(path: image)?.serial == s3.serial)

        // A file that is not an image at all names the problem.
        try Data("hello".utf8).write(to: URL(fileURLWithPath: image))
        do {
            _ = try SnapshotImageFile.read(path: image)
            Issue.record("a text file was read as an image")
        } catch let error as SnapshotImageFile.ImageError {
            #expect(error.description.contains(image))
        }
    }

    @Test func contentDigestIsStableAndSensitive() throws {
        let a = HostedTXT(owner: "example.com._dmarc.hosted.example.net", strings: ["v=DMARC1; p=none"])
        let b = HostedTXT(owner: "example.com._dmarc.hosted.example.net", strings: ["v=DMARC1; p=none;"])
        let base = ContentDigest(records: [a], policies: ["mta-sts.example.com": "x"], addressSets: [:])
        #expect(base == ContentDigest(records: [a], policies: ["mta-sts.example.com": "x"], addressSets: [:]))
        #expect(base != ContentDigest(records: [b], policies: ["mta-sts.example.com": "x"], addressSets: [:]))
        #expect(base != ContentDigest(records: [a], policies: ["mta-sts.example.com": "y"], addressSets: [:]))
        #expect(base != ContentDigest(records: [a], policies: [:], addressSets: [:]))
        // Length-prefixed: moving text between owner and strings changes the digest.
        let c = HostedTXT(owner: "ab.example", strings: ["c"])
        let d = HostedTXT(owner: "a.example", strings: ["bc"])
        #expect(ContentDigest(records: [c], policies: [:], addressSets: [:]) != ContentDigest(records: [d], policies: [:], addressSets: [:]))
        // The operator facts that shape H and R count too (a name server or SOA timer change
        // must move the serial).
        let zone = ZoneParameters(hostedZone: "hosted.example.net", reportZone: "reports.example.net",
                                  nameServers: ["ns1.example.net"], policyAddresses: ["192.0.2.10"])
        var otherNS = zone
        otherNS.nameServers.append("ns2.example.net")
        var otherMinimum = zone
        otherMinimum.minimum += 1
        let withZone = ContentDigest(records: [a], policies: [:], addressSets: [:], zone: zone)
        #expect(withZone == ContentDigest(records: [a], policies: [:], addressSets: [:], zone: zone))
        #expect(withZone != ContentDigest(records: [a], policies: [:], addressSets: [:]))
        #expect(withZone != ContentDigest(records: [a], policies: [:], addressSets: [:], zone: otherNS))
        #expect(withZone != ContentDigest(records: [a], policies: [:], addressSets: [:], zone: otherMinimum))
        // The stored (hex) form reads back.
        #expect(ContentDigest(hex: withZone.description) == withZone)
        #expect(ContentDigest(hex: "xyz") == nil)
        // Fixed across processes and builds (FNV-1a 128 of a known input).
        #expect(ContentDigest(records: [], policies: [:], addressSets: [:]).description.count == 32)
    }

    /// Static zones are the operator's files: never stored in the image, and on a restart from
    /// the image served as the files are now (one edited while serve was down, one added).
    @Test func imageRestartServesStaticZonesFromTheirFiles() async throws {
        let h = try await SnapshotSerialTests.harness()
        let image = h.directory.appendingPathComponent("herald.sqlite.image").path
        let dir = h.directory.appendingPathComponent("zones").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func zoneText(_ origin: String, serial: Int) -> String {
            "$ORIGIN \(origin).\n$TTL 300\n@ SOA ns1.\(origin). h.\(origin). \(serial) 7200 3600 1209600 300\n@ NS ns1.\(origin).\nns1 A 192.0.2.1\n"
        }
        try zoneText("a.test", serial: 1).write(toFile: "\(dir)/a.test.zone", atomically: true, encoding: .utf8)
        let directory = StaticZoneDirectory(directory: dir, logger: Self.quiet)
        let additions = SnapshotAdditions(generation: { directory.generation() },
                                          staticZones: { try directory.zones(servedZones: $0) })
        func service(_ published: Published) -> ReloadService {
            ReloadService(inventory: h.inventory, interval: .milliseconds(20), logger: Self.quiet,
                          clock: { PublisherHarness.t0 + 1000 }, additions: additions, imagePath: image,
                          publish: { published.add($0) })
        }
        let s1 = try await service(Published()).initialSnapshot()
        #expect(s1.zones.zones.map(\.origin.description).contains("a.test."))
        let stored = try #require(try SnapshotImageFile.read(path: image))
        #expect(stored.zones.zones.map(\.origin.description).sorted() == ["hosted.example.net.", "reports.example.net."])

        // While serve is down, a.test is edited and b.test added.
        try zoneText("a.test", serial: 2).write(toFile: "\(dir)/a.test.zone", atomically: true, encoding: .utf8)
        try zoneText("b.test", serial: 5).write(toFile: "\(dir)/b.test.zone", atomically: true, encoding: .utf8)
        let s2 = try await service(Published()).initialSnapshot()
        #expect(s2.records.isEmpty)   // served from the image
        let serials = Dictionary(uniqueKeysWithValues: s2.zones.zones.map { ($0.origin.description, $0.serial) })
        #expect(serials["a.test."] == 2)
        #expect(serials["b.test."] == 5)
        #expect(serials["hosted.example.net."] == s1.serial)
    }

    /// A start without an image (deleted, damaged, or `--snapshot-image off`) keeps the serial
    /// when it publishes what was last published: the inventory records the content digest
    /// with the serial. A change made while serve was down still moves it.
    @Test func coldStartWithUnchangedContentKeepsTheSerial() async throws {
        let h = try await SnapshotSerialTests.harness()
        func start(at clock: Int64) async throws -> PublishedSnapshot {
            try await ReloadService(inventory: h.inventory, interval: .milliseconds(20), logger: Self.quiet,
                                    clock: { PublisherHarness.t0 + clock }, imagePath: nil, publish: { _ in })
                .initialSnapshot()
        }
        let s1 = try await start(at: 1000)
        #expect(try h.inventory.published().content == ContentDigest(
            records: s1.records, policies: s1.policies, addressSets: [:],
            zone: Publisher.zoneParameters(try h.inventory.snapshot().settings)).description)
        let s2 = try await start(at: 90_000)   // a day later: nextSerial would give a new date
        #expect(s2.serial == s1.serial)
        #expect(s2.records == s1.records)

        try h.inventory.setStage(dname("example.com"), to: .quarantineTest, force: true, reason: "test",
                                 actor: "operator", now: PublisherHarness.t0 + 90_100)
        let s3 = try await start(at: 90_200)
        #expect(s3.serial > s1.serial)
        let s4 = try await start(at: 200_000)
        #expect(s4.serial == s3.serial)
    }
}
