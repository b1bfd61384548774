import Foundation
import Testing

/// `herald zone export` of the built demo inventory against a checked-in golden file, and the
/// exported master files through two independent zone parsers (NSD, ldns).
@Suite struct GoldenZoneTests {
    static let serial = "2026010101"

    /// The export at a fixed serial is byte-identical to `Golden/demo.zone`.
    /// `HERALD_UPDATE_GOLDEN=1` rewrites the golden file (inspect the diff before committing).
    @Test func testDemoZoneExportMatchesGolden() async throws {
        try await withHerald { herald in
            try await herald.createBuiltDemo()
            let export = try await herald.require("zone", "export", "--serial", Self.serial)
            let actual = export.stdoutBytes
            #expect(!actual.isEmpty)

            if ProcessInfo.processInfo.environment["HERALD_UPDATE_GOLDEN"] == "1" {
                try FileManager.default.createDirectory(
                    atPath: (Repository.goldenDemoZone as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(actual).write(to: URL(fileURLWithPath: Repository.goldenDemoZone))
                print("rewrote \(Repository.goldenDemoZone) (\(actual.count) octets)")
                return
            }
            let golden = try #require(FileManager.default.contents(atPath: Repository.goldenDemoZone),
                                      "missing \(Repository.goldenDemoZone); run with HERALD_UPDATE_GOLDEN=1 once and review it")
            if [UInt8](golden) != actual {
                let actualPath = herald.directory + "/demo.zone.actual"
                try Data(actual).write(to: URL(fileURLWithPath: actualPath))
                let diff = try await ExternalCommand.run("diff", ["-u", Repository.goldenDemoZone, actualPath])
                Issue.record("""
                    zone export differs from \(Repository.goldenDemoZone).
                    If the change is intended, rerun with HERALD_UPDATE_GOLDEN=1 and review the diff.
                    \(diff.stdout.split(separator: "\n").prefix(60).joined(separator: "\n"))
                    """)
            }

            // A second export of the same inventory is byte-identical (RECORDS.md "Canonical output").
            let again = try await herald.require("zone", "export", "--serial", Self.serial)
            #expect(again.stdoutBytes == actual, "two exports of one inventory differ")
        }
    }

    /// The per-zone files written by `--directory` load in NSD and ldns unchanged.
    @Test func testExportedZonesLoadInNSDAndLDNS() async throws {
        try await withHerald { herald in
            try await herald.createBuiltDemo()
            let directory = herald.directory + "/zones"
            let export = try await herald.require("zone", "export", "--serial", Self.serial, "--directory", directory)
            let listed = export.stdout.split(separator: "\n").map(String.init).sorted()
            #expect(listed == ["\(directory)/hosted.example.net.zone", "\(directory)/reports.example.net.zone"], "\(export)")
            for zone in ["hosted.example.net", "reports.example.net"] {
                let file = "\(directory)/\(zone).zone"
                let nsd = try await ExternalCommand.run("nsd-checkzone", [zone, file])
                #expect(nsd.succeeded, "nsd-checkzone rejects \(zone): \(nsd)")
                #expect(nsd.stdout.contains("zone \(zone) is ok"), "\(nsd)")
                let ldns = try await ExternalCommand.run("ldns-read-zone", ["-z", file])
                #expect(ldns.succeeded, "ldns-read-zone rejects \(zone): \(ldns)")
                // ldns read every record: it prints one line per record, the SOA serial included.
                let records = ldns.stdout.split(separator: "\n").filter { !$0.hasPrefix(";") }
                let exported = (try String(contentsOfFile: file, encoding: .utf8)).split(separator: "\n")
                    .filter { !$0.hasPrefix(";") && !$0.hasPrefix("$") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                #expect(records.count == exported.count, "\(zone): ldns read \(records.count) records of \(exported.count)")
                #expect(records.first?.contains("SOA") == true && records.first?.contains(" \(Self.serial) ") == true,
                        "\(zone): \(records.first ?? "-")")
            }
        }
    }
}
