import GRDB

extension Inventory {
    /// Lists `cidr` as a sending range of `domain`, with an audit row.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/rangeExists(domain:range:)``;
    ///   ``InventoryError/invalidValue(argument:value:reason:)`` for a multi-line note.
    public func addRange(domain: InventoryName, cidr: InventoryCIDR, note: String? = nil, actor: String, now: Int64) throws {
        if let note, note.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw InventoryError.invalidValue(argument: "--note", value: note, reason: "a note must be one line of text")
        }
        // A /0 authorises every address of its family: the same as `+all` (RFC 7208 §5.1).
        if cidr.prefixLength == 0 {
            throw InventoryError.invalidValue(argument: "CIDR", value: cidr.description,
                                              reason: "a /0 range authorises every address (like +all); list the real networks")
        }
        try write { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM ranges WHERE domain_id = ? AND cidr = ?",
                                           arguments: [id, cidr.description]) ?? false
            if exists { throw InventoryError.rangeExists(domain: domain.text, range: cidr.description) }
            try db.execute(sql: "INSERT INTO ranges (domain_id, cidr, note, added_at) VALUES (?, ?, ?, ?)",
                           arguments: [id, cidr.description, note, now])
            try audit(db, time: now, actor: actor, action: .rangeAdd, subject: domain.text, before: nil,
                      after: Self.json(DomainRange(cidr: cidr, note: note, addedAt: now)), reason: nil)
        }
    }

    /// Removes `cidr` from `domain`'s sending ranges, with an audit row.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/unknownRange(domain:range:)``.
    public func removeRange(domain: InventoryName, cidr: InventoryCIDR, actor: String, now: Int64,
                            reason: String? = nil) throws {
        try write { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            let before = try Self.fetchRanges(db, domainID: id).first { $0.cidr == cidr }
            guard let before else { throw InventoryError.unknownRange(domain: domain.text, range: cidr.description) }
            try db.execute(sql: "DELETE FROM ranges WHERE domain_id = ? AND cidr = ?", arguments: [id, cidr.description])
            try audit(db, time: now, actor: actor, action: .rangeRemove, subject: domain.text,
                      before: Self.json(before), after: nil, reason: reason)
        }
    }

    /// The sending ranges of `domain`, IPv4 first, in numeric order.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func ranges(_ domain: InventoryName) throws -> [DomainRange] {
        try read { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            return try Self.fetchRanges(db, domainID: id)
        }
    }

    static func fetchRanges(_ db: Database, domainID: Int64) throws -> [DomainRange] {
        try Row.fetchAll(db, sql: "SELECT * FROM ranges WHERE domain_id = ?", arguments: [domainID])
            .map(decodeRange).sorted { $0.cidr < $1.cidr }
    }

    /// Decodes a `ranges` row; a CIDR that is not canonical throws
    /// ``InventoryError/corruptRow(table:column:value:)``.
    static func decodeRange(_ row: Row) throws -> DomainRange {
        let text: String = row["cidr"]
        guard let cidr = InventoryCIDR(canonical: text) else {
            throw InventoryError.corruptRow(table: "ranges", column: "cidr", value: text)
        }
        return DomainRange(cidr: cidr, note: row["note"], addedAt: row["added_at"])
    }
}
