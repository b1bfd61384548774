import GRDB
import RecordBuilder

extension Inventory {
    /// Adds customer domain `name` at stage `monitor` (since `now`), approves `senders`, and
    /// writes one audit row.
    ///
    /// - Throws: ``InventoryError/notInitialized``; ``InventoryError/domainExists(_:)``;
    ///   ``InventoryError/hostedNameTooLong(domain:name:octets:)`` when a hosted name would
    ///   exceed 255 octets (RFC 1035 §2.3.4); ``InventoryError/conflict(subject:reason:)`` when
    ///   `name` is the hosted or report zone or under one; ``InventoryError/unknownSender(slug:suggestions:)``;
    ///   ``InventoryError/invalidValue(argument:value:reason:)`` from ``DomainChanges``.
    @discardableResult
    public func addDomain(_ name: InventoryName, changes: DomainChanges = DomainChanges(), senders: [SenderSlug] = [],
                          actor: String, now: Int64) throws -> HostedDomain {
        try write { db in
            let settings = try Self.requireSettings(db)
            for zone in [settings.hostedZone, settings.reportZone]
            where name == zone || name.text.hasSuffix("." + zone.text) {
                throw InventoryError.conflict(subject: name.text,
                                              reason: "a customer domain cannot be the served zone '\(zone.text)' or under it")
            }
            try HostedNames(domain: name, hostedZone: settings.hostedZone, reportZone: settings.reportZone)
                .check(domain: name)
            if try Self.domainID(db, name) != nil { throw InventoryError.domainExists(name.text) }
            var domain = HostedDomain(name: name, stageSince: now, createdAt: now)
            try changes.apply(to: &domain)
            try db.execute(
                sql: "INSERT INTO domains (name, dmarc_stage, stage_since, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name.text, domain.stage.rawValue, now, now])
            let id = db.lastInsertedRowID
            try Self.storePolicy(db, id: id, domain: domain, now: now)
            var approved: [SenderSlug] = []
            for slug in senders where !approved.contains(slug) {
                let senderID = try Self.requireSenderID(db, slug)
                try db.execute(sql: "INSERT INTO approvals (domain_id, sender_id, approved_at) VALUES (?, ?, ?)",
                               arguments: [id, senderID, now])
                approved.append(slug)
            }
            struct Created: Encodable {
                var domain: HostedDomain
                var senders: [SenderSlug]
            }
            try audit(db, time: now, actor: actor, action: .domainAdd, subject: name.text, before: nil,
                      after: Self.json(Created(domain: domain, senders: approved)), reason: nil)
            return domain
        }
    }

    /// Changes policy fields of `name` and writes one audit row with before and after.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/invalidValue(argument:value:reason:)``
    ///   when `changes` is empty or invalid.
    @discardableResult
    public func updateDomain(_ name: InventoryName, changes: DomainChanges, actor: String, now: Int64,
                             reason: String? = nil) throws -> HostedDomain {
        if changes.isEmpty {
            throw InventoryError.invalidValue(argument: "options", value: "", reason: "nothing to change: give at least one option")
        }
        return try write { db in
            let (id, before) = try Self.requireDomain(db, name)
            var after = before
            try changes.apply(to: &after)
            if after.mxPatterns != before.mxPatterns { try Self.refuseWhileMXPlanPending(db, id: id, name: name) }
            try Self.storePolicy(db, id: id, domain: after, now: now)
            try audit(db, time: now, actor: actor, action: .domainUpdate, subject: name.text,
                      before: Self.json(before), after: Self.json(after), reason: reason)
            return after
        }
    }

    /// Removes `name` at once with its approvals, ranges, patterns, published state, MTA-STS
    /// ledger, plan and wind-down (`herald domain remove --now`, for mistakes; the normal way
    /// out is ``startWindDown(_:graceDays:actor:now:reason:)``).
    ///
    /// Refused unless `force` while a sender may still cache an MTA-STS policy of the domain
    /// (a policy served until `t` with `max_age` `m` may be cached until `t + m`, RFC 8461 §8.3),
    /// or while MTA-STS is in `testing` or `enforce` mode.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/conflict(subject:reason:)``
    ///   naming the time until which a policy may be cached.
    public func removeDomain(_ name: InventoryName, force: Bool = false, actor: String, now: Int64,
                             reason: String? = nil) throws {
        try write { db in
            let (id, before) = try Self.requireDomain(db, name)
            if !force {
                let cachedUntil = try Self.policyCacheExpiry(db, domainID: id, now: now, domain: before)
                if let mode = before.mtaSTSMode, mode != .none {
                    throw InventoryError.conflict(
                        subject: name.text,
                        reason: "MTA-STS is in '\(mode.rawValue)' mode and senders may cache the policy until "
                            + "\(Self.isoTime(cachedUntil ?? now)); run 'herald domain remove \(name.text)' to wind it down "
                            + "(mode none, then removal after max_age), or use --now --force (RFC 8461 §8.3)")
                }
                if let cachedUntil, cachedUntil > now {
                    throw InventoryError.conflict(
                        subject: name.text,
                        reason: "senders may cache an MTA-STS policy of this domain until \(Self.isoTime(cachedUntil)); "
                            + "run 'herald domain remove \(name.text)' to wind it down, or use --now --force (RFC 8461 §8.3)")
                }
            }
            try db.execute(sql: "DELETE FROM domains WHERE id = ?", arguments: [id])
            try audit(db, time: now, actor: actor, action: .domainRemove, subject: name.text,
                      before: Self.json(before), after: nil, reason: reason)
        }
    }

    /// The domain named `name`, or `nil`.
    public func domain(_ name: InventoryName) throws -> HostedDomain? {
        try read { db in try Self.fetchDomain(db, name)?.1 }
    }

    /// Every domain, by name.
    public func domains() throws -> [HostedDomain] {
        try read { db in try Self.fetchAllDomains(db).map(\.1) }
    }

    /// Sets the MTA-STS mode of `name`, optionally its `max_age` and `mx` patterns, with one
    /// audit row (RFC 8461 §3.2, §8.3).
    ///
    /// - Parameters:
    ///   - mode: `testing`, `enforce`, or `none` (withdrawal: served for the last `max_age`).
    ///   - maxAge: `.set(seconds)` (0…31557600), `.cleared` for the mode's default, `.unchanged`.
    ///   - mxPatterns: replacement patterns, or `nil` to keep the stored ones.
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/invalidValue(argument:value:reason:)``
    ///   for an out-of-range `max_age` or `testing`/`enforce` without patterns.
    @discardableResult
    public func setMTASTS(_ name: InventoryName, mode: MTASTSMode, maxAge: FieldChange<Int> = .unchanged,
                          mxPatterns: [MXPattern]? = nil, actor: String, now: Int64,
                          reason: String? = nil) throws -> HostedDomain {
        try write { db in
            let (id, before) = try Self.requireDomain(db, name)
            var after = before
            after.mtaSTSMode = mode
            after.maxAge = maxAge.applied(to: before.maxAge)
            if let mxPatterns { after.mxPatterns = mxPatterns }
            try DomainChanges.validate(after)
            if after.mxPatterns != before.mxPatterns { try Self.refuseWhileMXPlanPending(db, id: id, name: name) }
            if let windDown = try Self.fetchWindDown(db, domainID: id) {
                throw InventoryError.conflict(
                    subject: name.text,
                    reason: "the domain is winding down since \(Self.isoTime(windDown.startedAt)) and serves MTA-STS mode none; "
                        + "'herald domain restore \(name.text)' first")
            }
            try Self.storePolicy(db, id: id, domain: after, now: now)
            try audit(db, time: now, actor: actor, action: .mtaSTSSet, subject: name.text,
                      before: Self.json(before), after: Self.json(after), reason: reason)
            return after
        }
    }

    // MARK: - Rows

    /// Writes every policy column, the pattern list and the TLS-RPT URIs of domain `id`, and
    /// records the MTA-STS policy now served in the ledger (a new row when its id changed).
    static func storePolicy(_ db: Database, id: Int64, domain: HostedDomain, now: Int64) throws {
        try seedPolicyLedger(db, domainID: id, now: now)
        try db.execute(
            sql: """
                UPDATE domains SET sp = ?, np = ?, adkim = ?, aspf = ?, rua = ?, ruf = ?, mta_sts_mode = ?,
                    mta_sts_max_age = ?, tlsrpt_rua = ?, spf_all = ?, spf_mode = ?
                WHERE id = ?
                """,
            arguments: [
                domain.subdomainPolicy?.rawValue, domain.nonexistentPolicy?.rawValue, domain.adkim?.rawValue,
                domain.aspf?.rawValue, domain.extraRUA?.description, domain.ruf?.description,
                domain.mtaSTSMode?.rawValue, domain.maxAge, nil, domain.spfAll.rawValue,
                domain.spfMode.rawValue, id,
            ])
        let stored = try String.fetchAll(
            db, sql: "SELECT pattern FROM domain_mx_patterns WHERE domain_id = ? ORDER BY position", arguments: [id])
        if stored != domain.mxPatterns.map(\.text) {
            try db.execute(sql: "DELETE FROM domain_mx_patterns WHERE domain_id = ?", arguments: [id])
            for (position, pattern) in domain.mxPatterns.enumerated() {
                try db.execute(sql: "INSERT INTO domain_mx_patterns (domain_id, position, pattern) VALUES (?, ?, ?)",
                               arguments: [id, position, pattern.text])
            }
        }
        let storedURIs = try String.fetchAll(
            db, sql: "SELECT uri FROM domain_tlsrpt_uris WHERE domain_id = ? ORDER BY position", arguments: [id])
        if storedURIs != domain.tlsrptRUAs.map(\.description) {
            try db.execute(sql: "DELETE FROM domain_tlsrpt_uris WHERE domain_id = ?", arguments: [id])
            for (position, uri) in domain.tlsrptRUAs.enumerated() {
                try db.execute(sql: "INSERT INTO domain_tlsrpt_uris (domain_id, position, uri) VALUES (?, ?, ?)",
                               arguments: [id, position, uri.description])
            }
        }
        try syncPolicyLedger(db, domainID: id, now: now)
    }

    /// The row id of domain `name`, or `nil`.
    static func domainID(_ db: Database, _ name: InventoryName) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM domains WHERE name = ?", arguments: [name.text])
    }

    /// The row id and value of domain `name`, or throws ``InventoryError/unknownDomain(_:)``.
    static func requireDomain(_ db: Database, _ name: InventoryName) throws -> (Int64, HostedDomain) {
        guard let found = try fetchDomain(db, name) else { throw InventoryError.unknownDomain(name.text) }
        return found
    }

    static func fetchDomain(_ db: Database, _ name: InventoryName) throws -> (Int64, HostedDomain)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM domains WHERE name = ?", arguments: [name.text]) else {
            return nil
        }
        return try decodeDomain(db, row)
    }

    /// Every domain by name, with its patterns: two queries, whatever the number of domains.
    static func fetchAllDomains(_ db: Database) throws -> [(Int64, HostedDomain)] {
        var patterns: [Int64: [String]] = [:]
        try Row.fetchCursor(db, sql: "SELECT domain_id, pattern FROM domain_mx_patterns ORDER BY domain_id, position").forEach { row in
            patterns[row["domain_id"], default: []].append(row["pattern"])
        }
        var uris: [Int64: [String]] = [:]
        try Row.fetchCursor(db, sql: "SELECT domain_id, uri FROM domain_tlsrpt_uris ORDER BY domain_id, position").forEach { row in
            uris[row["domain_id"], default: []].append(row["uri"])
        }
        var domains: [(Int64, HostedDomain)] = []
        try Row.fetchCursor(db, sql: "SELECT * FROM domains ORDER BY name").forEach { row in
            let id: Int64 = row["id"]
            domains.append(try decodeDomain(db, row, patterns: patterns[id] ?? [], tlsrptURIs: uris[id] ?? []))
        }
        return domains
    }

    /// Decodes a `domains` row, its patterns and TLS-RPT URIs (given, or read from the database
    /// when `nil`); a value the schema should have refused throws
    /// ``InventoryError/corruptRow(table:column:value:)``.
    static func decodeDomain(_ db: Database, _ row: Row, patterns: [String]? = nil,
                             tlsrptURIs: [String]? = nil) throws -> (Int64, HostedDomain) {
        func value<T: RawRepresentable>(_ column: String, _ type: T.Type) throws -> T? where T.RawValue == String {
            guard let text: String = row[column] else { return nil }
            guard let value = T(rawValue: text) else {
                throw InventoryError.corruptRow(table: "domains", column: column, value: text)
            }
            return value
        }
        func uri(_ column: String) throws -> ReportURI? {
            guard let text: String = row[column] else { return nil }
            guard let uri = ReportURI(stored: text) else {
                throw InventoryError.corruptRow(table: "domains", column: column, value: text)
            }
            return uri
        }
        let id: Int64 = row["id"]
        guard let stage = try value("dmarc_stage", DMARCStage.self) else {
            throw InventoryError.corruptRow(table: "domains", column: "dmarc_stage", value: "NULL")
        }
        let patterns = try patterns ?? String.fetchAll(
            db, sql: "SELECT pattern FROM domain_mx_patterns WHERE domain_id = ? ORDER BY position", arguments: [id])
        let uriTexts = try tlsrptURIs ?? String.fetchAll(
            db, sql: "SELECT uri FROM domain_tlsrpt_uris WHERE domain_id = ? ORDER BY position", arguments: [id])
        let tlsrpt = try uriTexts.map { text -> ReportURI in
            guard let uri = ReportURI(stored: text) else {
                throw InventoryError.corruptRow(table: "domain_tlsrpt_uris", column: "uri", value: text)
            }
            return uri
        }
        let domain = HostedDomain(
            name: InventoryName(trusted: row["name"]),
            stage: stage,
            stageSince: row["stage_since"],
            subdomainPolicy: try value("sp", DMARCPolicy.self),
            nonexistentPolicy: try value("np", DMARCPolicy.self),
            adkim: try value("adkim", DMARCAlignment.self),
            aspf: try value("aspf", DMARCAlignment.self),
            extraRUA: try uri("rua"),
            ruf: try uri("ruf"),
            mtaSTSMode: try value("mta_sts_mode", MTASTSMode.self),
            mxPatterns: patterns.map(MXPattern.init(trusted:)),
            maxAge: row["mta_sts_max_age"],
            tlsrptRUAs: tlsrpt,
            spfAll: try value("spf_all", SPFQualifier.self) ?? .softfail,
            spfMode: try value("spf_mode", SPFMode.self) ?? .flatten,
            createdAt: row["created_at"])
        return (id, domain)
    }
}
