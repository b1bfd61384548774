import ArgumentParser
import Foundation
import Inventory
import ZonePublisher

/// `herald zone export`: the hosted zone H and report zone R as RFC 1035 master files.
struct ZoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zone", abstract: "Zone files of the hosted and report zones.",
        subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print H and R in RFC 1035 format (NSD and BIND load it unchanged).")

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("SOA serial to write (default: the last published serial, else 1).", valueName: "N"))
        var serial: UInt32?

        @Option(name: .long, help: ArgumentHelp("Write one file per zone into this directory (<zone>.zone) instead of standard output.", valueName: "DIR"))
        var directory: String?

        func run() async throws {
            let inventory = try global.openInventory()
            let snapshot = try inventory.snapshot()
            let s = serial ?? max(1, snapshot.settings.publishedSerial)
            let files = try await Publisher.masterFiles(snapshot, serial: s)
            if let directory {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                for f in files {
                    let origin = f.origin.hasSuffix(".") ? String(f.origin.dropLast()) : f.origin
                    try f.text.write(toFile: "\(directory)/\(origin).zone", atomically: true, encoding: .utf8)
                    print("\(directory)/\(origin).zone")
                }
            } else {
                for f in files {
                    print("; zone \(f.origin) serial \(s)")
                    print(f.text, terminator: "")
                }
            }
        }
    }
}
