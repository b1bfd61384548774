import Foundation
import GRDB

extension Inventory {
    /// Stores a successful build of `domain`: replaces the last good records, policy, pass sets,
    /// provenance and lookup counts, clears the error, the stale flag and any held build.
    ///
    /// Bumps ``inventoryGeneration()`` when what is served changes (records, policy or pass sets),
    /// so a running `herald serve` picks the build up.
    ///
    /// - Parameters:
    ///   - records: every TXT record published for the domain.
    ///   - policy: the MTA-STS policy served, or `nil` when MTA-STS is not hosted.
    ///   - passSets: sender slug (or `own`) → CIDR texts, or `nil`.
    ///   - provenance: JSON text, stored as given, or `nil`.
    ///   - lookups: receiver DNS lookups of the SPF record (RFC 7208 §4.6.4), or `nil`.
    ///   - voidLookups: void lookups of the SPF record, or `nil`.
    ///   - builtAt: build time, Unix seconds.
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/invalidValue(argument:value:reason:)``
    ///   for a pass-set key that is not a slug or a range that is not a CIDR network;
    ///   ``InventoryError/database(_:)`` when a CHECK refuses the row (a policy id not 1–32 of
    ///   `[A-Za-z0-9]`, provenance that is not JSON, a negative lookup count).
    public func savePublished(domain: InventoryName, records: [PublishedRecord], policy: PublishedPolicy?,
                              passSets: [String: [String]]? = nil, provenance: String? = nil, lookups: Int? = nil,
                              voidLookups: Int? = nil, builtAt: Int64) throws {
        let build = PublishedBuild(records: records, policy: policy, passSets: passSets, provenance: provenance,
                                   lookups: lookups, voidLookups: voidLookups)
        var checked = Set<String>()
        try Self.checkPassSets(passSets, domain: domain, field: "pass_sets", checked: &checked)
        try write { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            try Self.storePublished(db, id: id, build: build, builtAt: builtAt)
        }
    }

    /// Records a failed build of `domain`: keeps the last good records, policy and any held
    /// build, sets the error and the stale flag (RECORDS.md "SPF" Safety; field case C10). Does
    /// not change ``inventoryGeneration()``.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func recordBuildFailure(domain: InventoryName, error: String, at time: Int64) throws {
        try write { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            try Self.storeFailure(db, id: id, error: error, at: time)
        }
    }

    /// Holds a build of `domain` for confirmation instead of publishing it (the publish gate,
    /// RECORDS.md "SPF" Safety): the last good records stay served, the domain is marked stale
    /// with the reasons as its error, and an audit row `spf.hold` records the reasons and diff.
    ///
    /// Holding a build identical to the one already held (same records, policy, pass sets and
    /// reasons: a scheduled refresh seeing the same upstream) only updates the attempt time; it
    /// writes no second audit row and keeps the original ``HeldBuild/heldAt``. Does not change
    /// ``inventoryGeneration()``.
    ///
    /// - Parameters:
    ///   - held: the candidate build; ``HeldBuild/reasons`` must not be empty and
    ///     ``HeldBuild/diff`` must be JSON.
    ///   - now: the attempt time, Unix seconds (the audit row's time).
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/invalidValue(argument:value:reason:)``
    ///   for empty reasons or a bad pass set; ``InventoryError/database(_:)`` when a CHECK refuses
    ///   the row (diff or provenance not JSON, bad policy id).
    public func holdBuild(domain: InventoryName, _ held: HeldBuild, actor: String, now: Int64) throws {
        var checked = Set<String>()
        try Self.checkHeld(held, domain: domain, checked: &checked)
        try write { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            try storeHeld(db, id: id, domain: domain, held: held, actor: actor, now: now)
        }
    }

    /// Publishes the build held for `domain` (`herald spf accept`): its records, policy, pass
    /// sets, provenance and lookup counts become the last good build (built at
    /// ``HeldBuild/heldAt``), the error and stale flag are cleared, and an audit row `spf.accept`
    /// records the pass sets before and after, the held reasons and the operator's `reason`.
    /// All in one transaction; bumps ``inventoryGeneration()`` when what is served changes.
    ///
    /// - Returns: the published state after the change (``PublishedState/held`` is `nil`).
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/nothingHeld(domain:)``
    ///   when no build is held for `domain`.
    @discardableResult
    public func acceptHeld(domain: InventoryName, actor: String, now: Int64, reason: String? = nil) throws -> PublishedState {
        try write { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            guard let row = try Row.fetchOne(
                db, sql: "SELECT built_at, pass_sets, held_at, held_pass_sets, held_reasons FROM published_state WHERE domain_id = ?",
                arguments: [id]),
                let heldAt: Int64 = row["held_at"]
            else { throw InventoryError.nothingHeld(domain: domain.text) }
            try db.execute(
                sql: """
                    UPDATE published_state SET records = held_records, mta_sts_body = held_policy_body,
                        mta_sts_id = held_policy_id, pass_sets = held_pass_sets, provenance = held_provenance,
                        lookups = held_lookups, void_lookups = held_void_lookups, built_at = held_at,
                        last_error = NULL, stale = 0,
                        \(Self.clearHeld)
                    WHERE domain_id = ?
                    """,
                arguments: [id])
            let builtAt: Int64? = row["built_at"]
            try audit(db, time: now, actor: actor, action: .spfAccept, subject: domain.text,
                      before: Self.jsonObject(["built_at": builtAt.map { String($0) }, "pass_sets": row["pass_sets"]]),
                      after: Self.jsonObject(["held_at": String(heldAt), "pass_sets": row["held_pass_sets"],
                                              "reasons": row["held_reasons"]]),
                      reason: reason)
            guard let state = try Self.fetchPublished(db, domainID: id) else {
                throw InventoryError.corruptRow(table: "published_state", column: "domain_id", value: String(id))
            }
            return state
        }
    }

    /// Stores the outcomes of a build of many domains in ONE write transaction: either every
    /// result is written or, when one is refused, none is.
    ///
    /// Each outcome is stored as ``savePublished(domain:records:policy:passSets:provenance:lookups:voidLookups:builtAt:)``,
    /// ``holdBuild(domain:_:actor:now:)`` or ``recordBuildFailure(domain:error:at:)`` would
    /// (built and attempted at `now`). A domain removed by another process since the build read
    /// the inventory is skipped, not an error, and returned.
    ///
    /// - Parameters:
    ///   - results: one result per domain; a domain listed twice is stored twice, the last wins.
    ///   - actor: the audit actor of `spf.hold` rows (`herald build`, `herald serve`).
    ///   - now: build time, Unix seconds.
    /// - Returns: the domains skipped because they no longer exist.
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` (naming the domain) for a
    ///   bad pass set or empty hold reasons; ``InventoryError/database(_:)`` naming the domain
    ///   when a CHECK refuses its row. Nothing is written then.
    @discardableResult
    public func saveBuildResults(_ results: [BuildResult], actor: String, now: Int64) throws -> [InventoryName] {
        // Domains share senders, so most ranges repeat: each distinct text is parsed once.
        var checked = Set<String>()
        for result in results {
            switch result.outcome {
            case let .published(build):
                try Self.checkPassSets(build.passSets, domain: result.domain, field: "pass_sets", checked: &checked)
            case let .held(held): try Self.checkHeld(held, domain: result.domain, checked: &checked)
            case .failed: break
            }
        }
        return try write { db in
            var ids: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, id FROM domains") { ids[row["name"]] = row["id"] }
            var skipped: [InventoryName] = []
            for result in results {
                guard let id = ids[result.domain.text] else {
                    skipped.append(result.domain)
                    continue
                }
                do {
                    switch result.outcome {
                    case let .published(build): try Self.storePublished(db, id: id, build: build, builtAt: now)
                    case let .held(held): try storeHeld(db, id: id, domain: result.domain, held: held, actor: actor, now: now)
                    case let .failed(error): try Self.storeFailure(db, id: id, error: error, at: now)
                    }
                } catch let error as DatabaseError {
                    throw InventoryError.database("build result for '\(result.domain.text)': \(error.message ?? "\(error)")")
                }
            }
            return skipped
        }
    }

    /// The published state of `domain`, or `nil` before its first build attempt.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func publishedState(_ domain: InventoryName) throws -> PublishedState? {
        try read { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            return try Self.fetchPublished(db, domainID: id)
        }
    }

    /// Every domain's published state, keyed by domain name.
    public func allPublishedStates() throws -> [InventoryName: PublishedState] {
        try read { db in
            var result: [InventoryName: PublishedState] = [:]
            for (id, domain) in try Self.fetchAllDomains(db) {
                if let state = try Self.fetchPublished(db, domainID: id) { result[domain.name] = state }
            }
            return result
        }
    }

    // MARK: - Rows

    /// The SET clause that removes a held build.
    static let clearHeld = """
        held_records = NULL, held_at = NULL, held_policy_body = NULL, held_policy_id = NULL, held_pass_sets = NULL,
        held_provenance = NULL, held_diff = NULL, held_reasons = NULL, held_lookups = NULL, held_void_lookups = NULL
        """

    /// Upserts a successful build of domain `id` (a cached statement: batches reuse it).
    static func storePublished(_ db: Database, id: Int64, build: PublishedBuild, builtAt: Int64) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO published_state (domain_id, records, mta_sts_body, mta_sts_id, pass_sets, provenance, lookups,
                void_lookups, built_at, attempted_at, last_error, stale)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0)
            ON CONFLICT (domain_id) DO UPDATE SET records = excluded.records,
                mta_sts_body = excluded.mta_sts_body, mta_sts_id = excluded.mta_sts_id,
                pass_sets = excluded.pass_sets, provenance = excluded.provenance, lookups = excluded.lookups,
                void_lookups = excluded.void_lookups, built_at = excluded.built_at,
                attempted_at = excluded.attempted_at, last_error = NULL, stale = 0,
                \(clearHeld)
            """)
        try statement.execute(arguments: [
            id, JSONText.records(build.records), build.policy?.body, build.policy?.id, build.passSets.map(JSONText.passSets),
            build.provenance, build.lookups, build.voidLookups, builtAt, builtAt,
        ])
    }

    /// Upserts a failed attempt of domain `id`, keeping the last good and held builds.
    static func storeFailure(_ db: Database, id: Int64, error: String, at time: Int64) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO published_state (domain_id, attempted_at, last_error, stale) VALUES (?, ?, ?, 1)
            ON CONFLICT (domain_id) DO UPDATE SET attempted_at = excluded.attempted_at,
                last_error = excluded.last_error, stale = 1
            """)
        try statement.execute(arguments: [id, time, error])
    }

    /// Upserts a held build of domain `id` with its `spf.hold` audit row (none when the same
    /// build is already held).
    func storeHeld(_ db: Database, id: Int64, domain: InventoryName, held: HeldBuild, actor: String, now: Int64) throws {
        let records = JSONText.records(held.records)
        let passSets = held.passSets.map(JSONText.passSets)
        let reasons = JSONText.strings(held.reasons)
        let message = "SPF build held for confirmation: \(held.reasons.joined(separator: "; ")); "
            + "publish it with 'herald spf accept \(domain.text)'"
        let current = try Row.fetchOne(
            db, sql: """
                SELECT held_records, held_policy_body, held_policy_id, held_pass_sets, held_reasons
                FROM published_state WHERE domain_id = ? AND held_at IS NOT NULL
                """,
            arguments: [id])
        if let current, current["held_records"] == records, current["held_policy_body"] == held.policy?.body,
           current["held_policy_id"] == held.policy?.id, current["held_pass_sets"] == passSets,
           current["held_reasons"] == reasons {
            try db.execute(sql: "UPDATE published_state SET attempted_at = ?, last_error = ?, stale = 1 WHERE domain_id = ?",
                           arguments: [now, message, id])
            return
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO published_state (domain_id, attempted_at, last_error, stale, held_records, held_at,
                held_policy_body, held_policy_id, held_pass_sets, held_provenance, held_diff, held_reasons,
                held_lookups, held_void_lookups)
            VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (domain_id) DO UPDATE SET attempted_at = excluded.attempted_at,
                last_error = excluded.last_error, stale = 1, held_records = excluded.held_records,
                held_at = excluded.held_at, held_policy_body = excluded.held_policy_body,
                held_policy_id = excluded.held_policy_id, held_pass_sets = excluded.held_pass_sets,
                held_provenance = excluded.held_provenance, held_diff = excluded.held_diff,
                held_reasons = excluded.held_reasons, held_lookups = excluded.held_lookups,
                held_void_lookups = excluded.held_void_lookups
            """)
        try statement.execute(arguments: [
            id, now, message, records, held.heldAt, held.policy?.body, held.policy?.id, passSets, held.provenance,
            held.diff, reasons, held.lookups, held.voidLookups,
        ])
        try audit(db, time: now, actor: actor, action: .spfHold, subject: domain.text, before: nil,
                  after: Self.jsonObject(["diff": held.diff, "held_at": String(held.heldAt), "lookups": held.lookups.map { String($0) },
                                          "pass_sets": passSets, "reasons": reasons]),
                  reason: held.reasons.joined(separator: "; "))
    }

    /// Checks a held build before writing: reasons present, pass sets well formed.
    static func checkHeld(_ held: HeldBuild, domain: InventoryName, checked: inout Set<String>) throws {
        if held.reasons.isEmpty || held.reasons.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw InventoryError.invalidValue(argument: "held reasons of \(domain.text)", value: held.reasons.joined(separator: "; "),
                                              reason: "a held build needs at least one non-empty reason")
        }
        try checkPassSets(held.passSets, domain: domain, field: "held pass_sets", checked: &checked)
    }

    /// Checks pass sets: every key a sender slug (or `own`), every value a CIDR network with no
    /// host bits (RFC 4632 §3.1, RFC 4291 §2.3). `checked` holds texts already found valid (keys
    /// prefixed with `/`, which no CIDR starts with) and gains the new ones.
    static func checkPassSets(_ sets: [String: [String]]?, domain: InventoryName, field: String,
                              checked: inout Set<String>) throws {
        guard let sets else { return }
        for (key, blocks) in sets {
            if key != "own", !checked.contains("/" + key) {
                let slug = try SenderSlug(parsing: key, argument: "\(field) key of \(domain.text)")
                guard slug.text == key else {
                    throw InventoryError.invalidValue(argument: "\(field) key of \(domain.text)", value: key,
                                                      reason: "sender slugs are stored in lower case")
                }
                checked.insert("/" + key)
            }
            for block in blocks where !checked.contains(block) {
                _ = try InventoryCIDR(parsing: block, argument: "\(field)[\(key)] of \(domain.text)")
                checked.insert(block)
            }
        }
    }

    /// A JSON object from members whose values are already JSON texts; `nil` values are left out,
    /// keys sorted (matching ``json(_:)``).
    static func jsonObject(_ members: [String: String?]) -> String {
        let body = members.compactMap { key, value in value.map { (key, $0) } }
            .sorted { $0.0 < $1.0 }
            .map { "\(JSONText.string($0.0)):\($0.1)" }
            .joined(separator: ",")
        return "{\(body)}"
    }

    static func fetchPublished(_ db: Database, domainID: Int64) throws -> PublishedState? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM published_state WHERE domain_id = ?",
                                         arguments: [domainID]) else { return nil }
        return try decodePublished(row)
    }

    /// Decodes a `published_state` row; a value the schema should have refused throws
    /// ``InventoryError/corruptRow(table:column:value:)``.
    static func decodePublished(_ row: Row) throws -> PublishedState {
        func decode<T: Decodable>(_ column: String, _ type: T.Type, fast: (String) -> T?) throws -> T? {
            guard let text: String = row[column] else { return nil }
            if let value = fast(text) { return value }
            do {
                return try JSONDecoder().decode(T.self, from: Data(text.utf8))
            } catch {
                throw InventoryError.corruptRow(table: "published_state", column: column, value: text)
            }
        }
        var policy: PublishedPolicy?
        if let body: String = row["mta_sts_body"], let id: String = row["mta_sts_id"] {
            policy = PublishedPolicy(body: body, id: id)
        }
        var held: HeldBuild?
        if let heldAt: Int64 = row["held_at"] {
            var heldPolicy: PublishedPolicy?
            if let body: String = row["held_policy_body"], let id: String = row["held_policy_id"] {
                heldPolicy = PublishedPolicy(body: body, id: id)
            }
            held = HeldBuild(
                records: try decode("held_records", [PublishedRecord].self, fast: JSONText.parseRecords) ?? [],
                policy: heldPolicy,
                passSets: try decode("held_pass_sets", [String: [String]].self, fast: JSONText.parsePassSets),
                provenance: row["held_provenance"],
                diff: row["held_diff"] ?? "null",
                reasons: try decode("held_reasons", [String].self, fast: JSONText.parseStrings) ?? [],
                heldAt: heldAt,
                lookups: row["held_lookups"],
                voidLookups: row["held_void_lookups"])
        }
        return PublishedState(
            records: try decode("records", [PublishedRecord].self, fast: JSONText.parseRecords), policy: policy,
            builtAt: row["built_at"],
            attemptedAt: row["attempted_at"], lastError: row["last_error"], stale: row["stale"],
            passSets: try decode("pass_sets", [String: [String]].self, fast: JSONText.parsePassSets),
            provenance: row["provenance"],
            lookups: row["lookups"], voidLookups: row["void_lookups"], held: held)
    }
}
