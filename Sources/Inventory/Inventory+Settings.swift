import Foundation
import GRDB

extension Inventory {
    /// Writes the operator's settings once (`herald init`), with an audit row.
    ///
    /// - Throws: ``InventoryError/alreadyInitialized`` if settings exist;
    ///   ``InventoryError/invalidValue(argument:value:reason:)`` for an empty name-server or
    ///   policy-address list, a mailbox that is not `local@domain`, a shrink threshold outside
    ///   (0, 1] (`--spf-shrink-threshold`) or a refresh interval outside 60…86400 s
    ///   (`--refresh-interval`).
    public func initialize(_ settings: InventorySettings, actor: String, now: Int64) throws {
        if settings.nameServers.isEmpty {
            throw InventoryError.invalidValue(argument: "--ns", value: "", reason: "at least one name server is needed")
        }
        if settings.policyAddresses.isEmpty {
            throw InventoryError.invalidValue(argument: "--policy-address", value: "",
                                              reason: "at least one policy server address is needed")
        }
        _ = try ReportURI.mailAddress(settings.dmarcMailbox, argument: "--dmarc-mailbox", original: settings.dmarcMailbox)
        _ = try ReportURI.mailAddress(settings.tlsrptMailbox, argument: "--tlsrpt-mailbox", original: settings.tlsrptMailbox)
        if !InventorySettings.isValidShrinkThreshold(settings.spfShrinkThreshold) {
            throw InventoryError.invalidValue(argument: "--spf-shrink-threshold", value: "\(settings.spfShrinkThreshold)",
                                              reason: "expected a share above 0 and at most 1 (0.10 = hold a build that loses over 10 %)")
        }
        if !Self.windDownGraceRange.contains(settings.windDownGraceDays) {
            throw InventoryError.invalidValue(argument: "--wind-down-grace", value: String(settings.windDownGraceDays),
                                              reason: "expected whole days from 0 to 3650")
        }
        if !InventorySettings.refreshIntervalRange.contains(settings.refreshInterval) {
            throw InventoryError.invalidValue(argument: "--refresh-interval", value: String(settings.refreshInterval),
                                              reason: "expected whole seconds from 60 to 86400")
        }
        try write { db in
            if try Self.fetchSettings(db) != nil { throw InventoryError.alreadyInitialized }
            try db.execute(
                sql: """
                    INSERT INTO settings (id, hosted_zone, report_zone, name_servers, soa_refresh, soa_retry,
                        soa_expire, soa_minimum, soa_ttl, policy_addresses, dmarc_mailbox, tlsrpt_mailbox,
                        pct_shim, published_serial, spf_shrink_threshold, refresh_interval, wind_down_grace_days, created_at)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    settings.hostedZone.text, settings.reportZone.text, Self.json(settings.nameServers),
                    settings.soa.refresh, settings.soa.retry, settings.soa.expire, settings.soa.minimum,
                    settings.soa.ttl, Self.json(settings.policyAddresses), settings.dmarcMailbox,
                    settings.tlsrptMailbox, settings.pctShim, Int64(settings.publishedSerial),
                    settings.spfShrinkThreshold, settings.refreshInterval, settings.windDownGraceDays, now,
                ])
            try audit(db, time: now, actor: actor, action: .initialize, subject: "settings",
                      before: nil, after: Self.json(settings), reason: nil)
        }
    }

    /// The settings, or `nil` before `herald init`.
    public func settings() throws -> InventorySettings? {
        try read { db in try Self.fetchSettings(db) }
    }

    /// Records the SOA serial of the snapshot just published, with the digest of its content
    /// (opaque to the inventory: 1…64 characters, or nil when unknown), so that a later start
    /// that publishes the same content can keep the serial. Does not change
    /// ``inventoryGeneration()`` and writes no audit row.
    ///
    /// - Throws: ``InventoryError/notInitialized``;
    ///   ``InventoryError/invalidValue(argument:value:reason:)`` for a digest of another length.
    public func setPublishedSerial(_ serial: UInt32, content: String? = nil) throws {
        if let content, !(1...64).contains(content.utf8.count) {
            throw InventoryError.invalidValue(argument: "published content digest", value: content,
                                              reason: "must be 1 to 64 characters")
        }
        try write { db in
            try db.execute(sql: "UPDATE settings SET published_serial = ?, published_content = ? WHERE id = 1",
                           arguments: [Int64(serial), content])
            if db.changesCount == 0 { throw InventoryError.notInitialized }
        }
    }

    /// The serial and content digest last recorded by ``setPublishedSerial(_:content:)``
    /// (serial 0 and nil before the first publication; nil content for a serial recorded
    /// without one).
    /// - Throws: ``InventoryError/notInitialized``.
    public func published() throws -> (serial: UInt32, content: String?) {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT published_serial, published_content FROM settings WHERE id = 1") else {
                throw InventoryError.notInitialized
            }
            let serial: Int64 = row["published_serial"]
            return (UInt32(clamping: serial), row["published_content"])
        }
    }

    /// Reads the settings row inside a transaction.
    static func fetchSettings(_ db: Database) throws -> InventorySettings? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM settings WHERE id = 1") else { return nil }
        let decoder = JSONDecoder()
        func list<T: Decodable>(_ column: String, _ type: T.Type) throws -> T {
            let text: String = row[column]
            do {
                return try decoder.decode(T.self, from: Data(text.utf8))
            } catch {
                throw InventoryError.corruptRow(table: "settings", column: column, value: text)
            }
        }
        let serial: Int64 = row["published_serial"]
        return InventorySettings(
            hostedZone: InventoryName(trusted: row["hosted_zone"]),
            reportZone: InventoryName(trusted: row["report_zone"]),
            nameServers: try list("name_servers", [InventoryName].self),
            soa: .init(refresh: row["soa_refresh"], retry: row["soa_retry"], expire: row["soa_expire"],
                       minimum: row["soa_minimum"], ttl: row["soa_ttl"]),
            policyAddresses: try list("policy_addresses", [InventoryAddress].self),
            dmarcMailbox: row["dmarc_mailbox"],
            tlsrptMailbox: row["tlsrpt_mailbox"],
            pctShim: row["pct_shim"],
            publishedSerial: UInt32(clamping: serial),
            spfShrinkThreshold: row["spf_shrink_threshold"],
            refreshInterval: row["refresh_interval"],
            windDownGraceDays: row["wind_down_grace_days"])
    }

    /// Reads the settings row or throws ``InventoryError/notInitialized``.
    static func requireSettings(_ db: Database) throws -> InventorySettings {
        guard let settings = try fetchSettings(db) else { throw InventoryError.notInitialized }
        return settings
    }
}
