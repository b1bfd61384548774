import ArgumentParser
import Foundation
import Inventory

/// `herald init`: write the operator's settings once.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the inventory and record the operator's zones and servers.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Hosted zone H (e.g. hosted.example.net).", valueName: "H"))
    var zone: String

    @Option(name: .customLong("report-zone"), help: ArgumentHelp("Report zone R (may equal H).", valueName: "R"))
    var reportZone: String

    @Option(name: .customLong("ns"), parsing: .upToNextOption, help: ArgumentHelp("Name servers of H and R.", valueName: "NAME"))
    var nameServers: [String]

    @Option(name: .customLong("policy-address"), parsing: .upToNextOption,
            help: ArgumentHelp("IPv4/IPv6 addresses of the HTTPS policy servers (mta-sts.H).", valueName: "IP"))
    var policyAddresses: [String]

    @Option(name: .customLong("dmarc-mailbox"), help: ArgumentHelp("DMARC report mailbox (default dmarc@R).", valueName: "ADDRESS"))
    var dmarcMailbox: String?

    @Option(name: .customLong("tlsrpt-mailbox"), help: ArgumentHelp("TLS-RPT mailbox (default tlsrpt@R).", valueName: "ADDRESS"))
    var tlsrptMailbox: String?

    @Option(name: .customLong("soa-refresh"), help: ArgumentHelp("SOA refresh, seconds (default 7200).", valueName: "SECONDS"))
    var soaRefresh: String?
    @Option(name: .customLong("soa-retry"), help: ArgumentHelp("SOA retry, seconds (default 3600).", valueName: "SECONDS"))
    var soaRetry: String?
    @Option(name: .customLong("soa-expire"), help: ArgumentHelp("SOA expire, seconds (default 1209600).", valueName: "SECONDS"))
    var soaExpire: String?
    @Option(name: .customLong("soa-minimum"), help: ArgumentHelp("SOA minimum (negative TTL cap), seconds (default 300).",
                                                                 valueName: "SECONDS"))
    var soaMinimum: String?
    @Option(name: .customLong("soa-ttl"), help: ArgumentHelp("TTL of the SOA record, seconds (default 3600).", valueName: "SECONDS"))
    var soaTTL: String?

    @Flag(name: .customLong("no-pct-shim"), help: "Do not add pct=0 to t=y stages (RFC 7489 receivers then enforce).")
    var noPctShim = false

    @Option(name: .customLong("spf-shrink-threshold"), help: ArgumentHelp(
        "Hold an SPF build whose pass set loses more than this share of addresses (0.10 or 10%; default 0.10).",
        valueName: "SHARE"))
    var spfShrinkThreshold: String?

    @Option(name: .customLong("refresh-interval"), help: ArgumentHelp(
        "Seconds between re-resolutions of senders' SPF in 'herald serve' (60-86400; default 3600).", valueName: "SECONDS"))
    var refreshInterval: String?

    func run() throws {
        let zone = try ArgumentValues.domain(self.zone, "--zone")
        let reportZone = try ArgumentValues.domain(self.reportZone, "--report-zone")
        let servers = try nameServers.map { try ArgumentValues.domain($0, "--ns") }
        let addresses = try policyAddresses.map { text -> InventoryAddress in
            guard let address = InventoryAddress(text) else {
                throw InventoryError.invalidValue(argument: "--policy-address", value: text, reason: "not an IPv4 or IPv6 address")
            }
            return address
        }
        var soa = InventorySettings.SOATimers()
        if let soaRefresh { soa.refresh = try Self.seconds(soaRefresh, "--soa-refresh", minimum: 1) }
        if let soaRetry { soa.retry = try Self.seconds(soaRetry, "--soa-retry", minimum: 1) }
        if let soaExpire { soa.expire = try Self.seconds(soaExpire, "--soa-expire", minimum: 1) }
        if let soaMinimum { soa.minimum = try Self.seconds(soaMinimum, "--soa-minimum", minimum: 0) }
        if let soaTTL { soa.ttl = try Self.seconds(soaTTL, "--soa-ttl", minimum: 0) }
        let settings = InventorySettings(
            hostedZone: zone, reportZone: reportZone, nameServers: servers, soa: soa, policyAddresses: addresses,
            dmarcMailbox: try dmarcMailbox.map { try Self.mailbox($0, "--dmarc-mailbox") },
            tlsrptMailbox: try tlsrptMailbox.map { try Self.mailbox($0, "--tlsrpt-mailbox") },
            pctShim: !noPctShim,
            spfShrinkThreshold: try spfShrinkThreshold.map(Self.share) ?? 0.10,
            refreshInterval: try refreshInterval.map(Self.refresh) ?? 3600)
        let path = global.databasePath
        let existed = FileManager.default.fileExists(atPath: path)
        do {
            let inventory = try global.openInventory(create: true)
            try inventory.initialize(settings, actor: global.actorName, now: global.now)
        } catch {
            // Nothing written: a file this command created is removed again.
            if !existed {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            throw error
        }
        try global.emit(settings) {
            Output.fields([
                ("inventory", global.databasePath),
                ("hosted zone", settings.hostedZone.text),
                ("report zone", settings.reportZone.text),
                ("name servers", settings.nameServers.map(\.text).joined(separator: " ")),
                ("policy servers", settings.policyAddresses.map(\.description).joined(separator: " ")),
                ("dmarc mailbox", settings.dmarcMailbox),
                ("tlsrpt mailbox", settings.tlsrptMailbox),
                ("soa timers", "refresh \(soa.refresh) retry \(soa.retry) expire \(soa.expire) minimum \(soa.minimum) ttl \(soa.ttl)"),
                ("pct shim", settings.pctShim ? "on" : "off"),
                ("spf shrink threshold", Self.percent(settings.spfShrinkThreshold)),
                ("refresh interval", "\(settings.refreshInterval) s"),
            ])
        }
    }

    /// A number of seconds from `minimum` to 2^31-1 (RFC 2181 §8 TTL range).
    static func seconds(_ text: String, _ argument: String, minimum: Int32) throws -> Int32 {
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int32(text), value >= minimum else {
            throw InventoryError.invalidValue(argument: argument, value: text,
                                              reason: "expected whole seconds from \(minimum) to 2147483647")
        }
        return value
    }

    /// A share in (0, 1], written as a decimal (`0.10`) or a percentage (`10%`), for
    /// `--spf-shrink-threshold`.
    static func share(_ text: String) throws -> Double {
        let percent = text.hasSuffix("%")
        let digits = percent ? String(text.dropLast()) : text
        let fail = InventoryError.invalidValue(
            argument: "--spf-shrink-threshold", value: text,
            reason: "expected a share above 0 and at most 1, as a decimal (0.10) or a percentage (10%)")
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let number = Double(digits) else { throw fail }
        let value = percent ? number / 100 : number
        guard InventorySettings.isValidShrinkThreshold(value) else { throw fail }
        return value
    }

    /// Whole seconds from 60 to 86400, for `--refresh-interval`.
    static func refresh(_ text: String) throws -> Int {
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text),
              InventorySettings.refreshIntervalRange.contains(value) else {
            throw InventoryError.invalidValue(argument: "--refresh-interval", value: text,
                                              reason: "expected whole seconds from 60 to 86400")
        }
        return value
    }

    /// `10 %` for 0.10, `12.5 %` for 0.125.
    static func percent(_ share: Double) -> String {
        let value = (share * 1000).rounded() / 10
        return (value == value.rounded() ? String(Int(value)) : String(value)) + " %"
    }

    /// A mailbox `local@domain`, accepted with or without `mailto:`.
    static func mailbox(_ text: String, _ argument: String) throws -> String {
        let uri = text.lowercased().hasPrefix("mailto:") ? text : "mailto:" + text
        do {
            guard case let .mailto(address) = try ReportURI(parsing: uri, argument: argument, schemes: .mailtoOnly) else {
                throw InventoryError.invalidValue(argument: argument, value: text, reason: "not a mail address")
            }
            return address
        } catch let error as InventoryError {
            throw error.reported(as: argument, value: text)
        }
    }
}
