import DNSAuthority
import DNSCore
import Foundation
import Logging
import Synchronization
import Testing
@testable import ZonePublisher

private let customerZone = """
$ORIGIN customer.test.
$TTL 300
@          SOA   ns1.hosted.example.net. hostmaster.customer.test. 7 3600 600 1209600 300
@          NS    ns1.hosted.example.net.
@          MX    10 Mail.Customer.test.
Mail       A     192.0.2.25
_mta-sts   CNAME customer.test._mta-sts.hosted.example.net.
mta-sts    CNAME mta-sts.hosted.example.net.
@          CAA   0 issue "letsencrypt.org"
"""

private func quietLogger() -> Logger {
    var logger = Logger(label: "test.static-zones")
    logger.logLevel = .critical
    return logger
}

private func name(_ text: String) throws -> DNSName { try DNSName(text) }

/// Keeps every message logged through it, for tests of what the operator reads.
final class CapturedLog: Sendable {
    let messages = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "captured") { _ in Handler(log: self) }
    }

    func contains(_ text: String) -> Bool { messages.withLock { $0.contains { $0.contains(text) } } }
    func clear() { messages.withLock { $0.removeAll() } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            log.messages.withLock { $0.append("\(event.message) \(fields.joined(separator: " "))") }
        }
    }
}

/// Static zones (`herald serve --zones DIR`): RFC 1035 files read with libldns, checked by the
/// zone compiler, served next to H and R.
@Suite struct StaticZoneTests {
    @Test func loadsAZoneWhoseOriginIsTheSOAOwner() throws {
        let zone = try StaticZoneLoader.load(text: customerZone, sourceName: "customer.test.zone")
        #expect(zone.origin == (try name("customer.test")))
        #expect(zone.serial == 7)
        let snapshot = try ZoneSnapshot(zones: [zone])
        guard case .answer(let mx) = snapshot.lookup(try name("CUSTOMER.test"), .mx) else {
            Issue.record("no MX answer"); return
        }
        #expect(mx.count == 1)
        guard case .cname = snapshot.lookup(try name("_mta-sts.customer.test"), .txt) else {
            Issue.record("no CNAME at _mta-sts"); return
        }
        // A type DNSCore has no struct for (CAA, RFC 8659) is served from its wire RDATA.
        guard case .answer = snapshot.lookup(try name("customer.test"), RRType(257)) else {
            Issue.record("no CAA answer"); return
        }
        guard case .nxDomain = snapshot.lookup(try name("nothere.customer.test"), .a) else {
            Issue.record("no NXDOMAIN"); return
        }
    }

    @Test func syntaxErrorsNameTheFileAndLine() {
        let text = "$ORIGIN customer.test.\n$TTL 300\n@ SOA ns1.x. h.x. 1 2 3 4 5\n@ NS ns1.x.\nwww A 999.1.1.1\n"
        #expect {
            _ = try StaticZoneLoader.load(text: text, sourceName: "Zones/static/customer.test.zone")
        } throws: { error in
            guard case .file(.syntax(let path, let line, _)) = error as? StaticZoneError else { return false }
            return path == "Zones/static/customer.test.zone" && line == 5
                && "\(error)".contains("Zones/static/customer.test.zone, line 5")
        }
    }

    /// libldns says only "could not parse the RR's rdata" for a TXT string over 255 octets;
    /// the error names the line, the length and the fix (RFC 1035 §3.3).
    @Test func overlongTXTStringIsExplained() throws {
        let long = String(repeating: "a", count: 300)
        let text = "$ORIGIN c.test.\n$TTL 300\n@ SOA ns1.x. h.x. 1 2 3 4 5\n@ NS ns1.x.\nk TXT \"short\" \"\(long)\"\n"
        #expect {
            _ = try StaticZoneLoader.load(text: text, sourceName: "c.zone")
        } throws: { error in
            let message = "\(error)"
            return message.contains("c.zone, line 5") && message.contains("quoted string of 300 octets")
                && message.contains("split it into several quoted strings")
        }
        // The same length split in two loads, and a plain syntax error gets no such hint.
        let split = String(repeating: "a", count: 150)
        _ = try StaticZoneLoader.load(text: text.replacingOccurrences(of: "\"\(long)\"", with: "\"\(split)\" \"\(split)\""),
                                      sourceName: "c.zone")
        #expect(StaticZoneLoader.hint(line: 1, of: "www A 999.1.1.1") == nil)
    }

    @Test func refusesZonesWithoutExactlyOneSOAOrWithForeignNames() {
        #expect(throws: StaticZoneError.missingSOA(path: "a.zone")) {
            _ = try StaticZoneLoader.load(text: "$ORIGIN a.test.\n@ 300 NS ns1.x.\n", sourceName: "a.zone")
        }
        #expect(throws: StaticZoneError.multipleSOA(path: "b.zone", count: 2)) {
            _ = try StaticZoneLoader.load(text: "$ORIGIN b.test.\n@ 300 SOA ns. h. 1 2 3 4 5\nsub 300 SOA ns. h. 1 2 3 4 5\n",
                                          sourceName: "b.zone")
        }
        for (label, text, needle) in [
            ("outside", "$ORIGIN c.test.\n@ 300 SOA ns. h. 1 2 3 4 5\n@ 300 NS ns1.x.\nwww.elsewhere.test. 300 A 192.0.2.1\n", "www.elsewhere.test"),
            ("cname", "$ORIGIN c.test.\n@ 300 SOA ns. h. 1 2 3 4 5\n@ 300 NS ns1.x.\nw 300 CNAME x.test.\nw 300 A 192.0.2.1\n", "w.c.test"),
            ("no NS", "$ORIGIN c.test.\n@ 300 SOA ns. h. 1 2 3 4 5\n", "c.test"),
        ] {
            #expect(label.isEmpty == false)
            do {
                _ = try StaticZoneLoader.load(text: text, sourceName: "c.zone")
                Issue.record("\(label): accepted")
            } catch {
                guard case .invalidZone(let path, let origin, let reason) = error else { Issue.record("\(label): \(error)"); continue }
                #expect(path == "c.zone")
                #expect(origin == "c.test.")
                #expect(reason.contains(needle), "\(label): \(reason)")
            }
        }
    }

    @Test func aZoneOverlappingHOrRIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("static-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let directory = StaticZoneDirectory(directory: dir, logger: quietLogger())
        let served = [try name("hosted.example.net"), try name("reports.example.net")]
        for origin in ["hosted.example.net", "sub.hosted.example.net", "example.net"] {
            try "$ORIGIN \(origin).\n@ 300 SOA ns. h. 1 2 3 4 5\n@ 300 NS ns1.x.\n"
                .write(toFile: "\(dir)/overlap.zone", atomically: true, encoding: .utf8)
            #expect {
                _ = try directory.loadAll(servedZones: served)
            } throws: { error in
                guard case .overlapsServedZone(_, let zone, let hosted) = error as? StaticZoneError else { return false }
                return zone == origin + "." && hosted == "hosted.example.net."
            }
        }
    }

    @Test func directoryReloadsChangedFilesAndKeepsTheLastGoodVersion() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("static-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let directory = StaticZoneDirectory(directory: dir, logger: quietLogger())
        let served = [try name("hosted.example.net")]
        let path = "\(dir)/customer.test.zone"
        try customerZone.write(toFile: path, atomically: true, encoding: .utf8)
        try "not a zone".write(toFile: "\(dir)/notes.txt", atomically: true, encoding: .utf8)
        let g1 = directory.generation()
        #expect(try directory.loadAll(servedZones: served).map(\.serial) == [7])

        // A second file with the same origin is refused.
        try customerZone.write(toFile: "\(dir)/copy.zone", atomically: true, encoding: .utf8)
        #expect(throws: StaticZoneError.duplicateOrigin(path: path, otherPath: "\(dir)/copy.zone", origin: "customer.test.")) {
            _ = try directory.loadAll(servedZones: served)
        }
        try FileManager.default.removeItem(atPath: "\(dir)/copy.zone")

        // An edit moves the generation and is served.
        try customerZone.replacingOccurrences(of: " 7 3600", with: " 8 3600").write(toFile: path, atomically: true, encoding: .utf8)
        let g2 = directory.generation()
        #expect(g2 != g1)
        #expect(directory.generation() == g2)
        #expect(try directory.zones(servedZones: served).map(\.serial) == [8])

        // A broken edit keeps serial 8 (last good); removing the file stops serving it.
        try (customerZone + "\nbroken A not-an-address\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try directory.zones(servedZones: served).map(\.serial) == [8])
        #expect(throws: StaticZoneError.self) { _ = try directory.loadAll(servedZones: served) }
        try FileManager.default.removeItem(atPath: path)
        #expect(try directory.zones(servedZones: served).isEmpty)
    }

    /// The zones shipped for the demo (`Zones/static`) load, and the ESP fixture is not among them.
    @Test func shippedStaticZonesLoad() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = StaticZoneDirectory(directory: root.appendingPathComponent("Zones/static").path, logger: quietLogger())
        let zones = try directory.loadAll(servedZones: [try name("hosted.example.net"), try name("reports.example.net")])
        #expect(zones.map(\.origin.description) == ["example.com."])
        #expect(try directory.files().allSatisfy { !$0.hasSuffix("esp-snapshot.zone") })
    }

    /// What the operator reads when a file is broken from the start (nothing is served, no
    /// "last good version"), broken after a good version, or removed while serving.
    @Test func reloadLogsSayWhatIsServed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("static-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let captured = CapturedLog()
        let directory = StaticZoneDirectory(directory: dir, logger: captured.logger)
        let served = [try name("hosted.example.net")]
        #expect(try directory.zones(servedZones: served).isEmpty)

        let path = "\(dir)/customer.test.zone"
        try (customerZone + "\nbroken A not-an-address\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try directory.zones(servedZones: served).isEmpty)
        #expect(captured.contains("static zone not loaded; it is not served until the file is fixed"))
        #expect(!captured.contains("last good version"))

        captured.clear()
        try customerZone.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try directory.zones(servedZones: served).map(\.serial) == [7])
        try (customerZone + "\nbroken A not-an-address\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try directory.zones(servedZones: served).map(\.serial) == [7])
        #expect(captured.contains("static zone not reloaded; its last good version keeps serving"))

        captured.clear()
        try FileManager.default.removeItem(atPath: path)
        #expect(try directory.zones(servedZones: served).isEmpty)
        #expect(captured.contains("static zone file gone; its zone is no longer served"))
        #expect(captured.contains("customer.test."))

        // A file refused from the start (it overlaps H) served nothing: its removal is silent.
        let overlapping = "\(dir)/overlap.zone"
        try "$ORIGIN sub.hosted.example.net.\n@ 300 SOA ns. h. 1 2 3 4 5\n@ 300 NS ns1.x.\n"
            .write(toFile: overlapping, atomically: true, encoding: .utf8)
        #expect(try directory.zones(servedZones: served).isEmpty)
        captured.clear()
        try FileManager.default.removeItem(atPath: overlapping)
        #expect(try directory.zones(servedZones: served).isEmpty)
        #expect(!captured.contains("static zone file gone"))
    }
}
