import GRDB

extension Inventory {
    /// The sender catalog, by slug.
    public func senders() throws -> [Sender] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM senders ORDER BY slug").map(Self.decodeSender)
        }
    }

    /// Adds an operator-defined sender to the catalog, with an audit row.
    ///
    /// - Throws: ``InventoryError/senderExists(_:)``; ``InventoryError/invalidValue(argument:value:reason:)``
    ///   for an empty display name.
    public func addSender(_ sender: Sender, actor: String, now: Int64) throws {
        let name = sender.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw InventoryError.invalidValue(argument: "NAME", value: sender.displayName,
                                              reason: "a display name must be non-empty text on one line")
        }
        try write { db in
            if try Self.senderID(db, sender.slug) != nil { throw InventoryError.senderExists(sender.slug.text) }
            try db.execute(
                sql: "INSERT INTO senders (slug, display_name, spf_entry_point, builtin) VALUES (?, ?, ?, 0)",
                arguments: [sender.slug.text, name, sender.spfEntryPoint?.text])
            var stored = sender
            stored.displayName = name
            stored.builtin = false
            try audit(db, time: now, actor: actor, action: .senderAdd, subject: sender.slug.text,
                      before: nil, after: Self.json(stored), reason: nil)
        }
    }

    /// Approves catalog sender `slug` for `domain`, with an audit row.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/unknownSender(slug:suggestions:)``
    ///   (with close catalog matches); ``InventoryError/alreadyApproved(domain:sender:)``.
    public func approve(domain: InventoryName, sender slug: SenderSlug, actor: String, now: Int64,
                        reason: String? = nil) throws {
        try write { db in
            guard let domainID = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            let senderID = try Self.requireSenderID(db, slug)
            let exists = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM approvals WHERE domain_id = ? AND sender_id = ?", arguments: [domainID, senderID]) ?? false
            if exists { throw InventoryError.alreadyApproved(domain: domain.text, sender: slug.text) }
            try db.execute(sql: "INSERT INTO approvals (domain_id, sender_id, approved_at) VALUES (?, ?, ?)",
                           arguments: [domainID, senderID, now])
            try audit(db, time: now, actor: actor, action: .senderApprove, subject: domain.text,
                      before: nil, after: Self.json(slug), reason: reason)
        }
    }

    /// Withdraws the approval of `slug` for `domain`, with an audit row.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/unknownSender(slug:suggestions:)``;
    ///   ``InventoryError/notApproved(domain:sender:)``.
    public func revoke(domain: InventoryName, sender slug: SenderSlug, actor: String, now: Int64,
                       reason: String? = nil) throws {
        try write { db in
            guard let domainID = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            let senderID = try Self.requireSenderID(db, slug)
            try db.execute(sql: "DELETE FROM approvals WHERE domain_id = ? AND sender_id = ?", arguments: [domainID, senderID])
            if db.changesCount == 0 { throw InventoryError.notApproved(domain: domain.text, sender: slug.text) }
            try audit(db, time: now, actor: actor, action: .senderRevoke, subject: domain.text,
                      before: Self.json(slug), after: nil, reason: reason)
        }
    }

    /// The senders approved for `domain`, by slug.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func approvedSenders(_ domain: InventoryName) throws -> [Sender] {
        try read { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            return try Self.fetchApprovedSenders(db, domainID: id)
        }
    }

    static func fetchApprovedSenders(_ db: Database, domainID: Int64) throws -> [Sender] {
        try Row.fetchAll(db, sql: """
            SELECT s.* FROM senders s JOIN approvals a ON a.sender_id = s.id
            WHERE a.domain_id = ? ORDER BY s.slug
            """, arguments: [domainID]).map(decodeSender)
    }

    static func decodeSender(_ row: Row) -> Sender {
        let entry: String? = row["spf_entry_point"]
        return Sender(slug: SenderSlug(trusted: row["slug"]), displayName: row["display_name"],
                      spfEntryPoint: entry.map(InventoryName.init(trusted:)), builtin: row["builtin"])
    }

    static func senderID(_ db: Database, _ slug: SenderSlug) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM senders WHERE slug = ?", arguments: [slug.text])
    }

    /// The row id of `slug`, or ``InventoryError/unknownSender(slug:suggestions:)`` with close
    /// catalog matches.
    static func requireSenderID(_ db: Database, _ slug: SenderSlug) throws -> Int64 {
        if let id = try senderID(db, slug) { return id }
        let catalog = try String.fetchAll(db, sql: "SELECT slug FROM senders").map(SenderSlug.init(trusted:))
        throw InventoryError.unknownSender(slug: slug.text, suggestions: slug.closeMatches(in: catalog).map(\.text))
    }
}
