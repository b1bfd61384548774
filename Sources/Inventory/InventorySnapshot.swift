import GRDB

/// Everything a build needs, read in one transaction so it is consistent.
public struct InventorySnapshot: Sendable, Equatable {
    /// One customer domain with what hangs off it.
    public struct Entry: Sendable, Equatable {
        /// The domain and its policy choices.
        public var domain: HostedDomain
        /// Approved senders, by slug.
        public var senders: [Sender]
        /// The customer's own sending ranges, IPv4 first, numeric order.
        public var ranges: [DomainRange]
        /// The last published state, or `nil` before the first build attempt.
        public var published: PublishedState?
        /// The names served for the domain.
        public var hostedNames: HostedNames
        /// The wind-down in progress, or `nil` (migration `0005`).
        public var windDown: WindDown? = nil
        /// The pending mx change, or `nil`.
        public var mxPlan: MXChangePlan? = nil
    }

    /// The operator's settings.
    public var settings: InventorySettings
    /// ``Inventory/inventoryGeneration()`` as of this snapshot.
    public var generation: Int64
    /// Every domain, by name.
    public var entries: [Entry]

    /// A snapshot made of parts (e.g. one domain's entry, for `herald records`).
    public init(settings: InventorySettings, generation: Int64, entries: [Entry]) {
        self.settings = settings
        self.generation = generation
        self.entries = entries
    }
}

extension Inventory {
    /// Reads settings, every domain with its senders, ranges and published state, and the
    /// generation, in one read transaction.
    ///
    /// Ten queries whatever the number of domains (each table read once and grouped by
    /// domain), so `herald serve` can re-read an inventory of 10,000 domains quickly.
    ///
    /// - Throws: ``InventoryError/notInitialized``.
    public func snapshot() throws -> InventorySnapshot {
        try read { db in
            let settings = try Self.requireSettings(db)
            let generation = try Int64.fetchOne(db, sql: "SELECT value FROM inventory_generation WHERE id = 1") ?? 0
            // Cursors, not fetchAll: rows are decoded as they are stepped (no copy of every row)
            // and columns are found through the statement's index, not by a lowercased name.
            var senders: [Int64: [Sender]] = [:]
            try Row.fetchCursor(db, sql: """
                SELECT a.domain_id AS approval_domain_id, s.* FROM approvals a JOIN senders s ON s.id = a.sender_id
                ORDER BY a.domain_id, s.slug
                """).forEach { row in
                senders[row["approval_domain_id"], default: []].append(Self.decodeSender(row))
            }
            var ranges: [Int64: [DomainRange]] = [:]
            try Row.fetchCursor(db, sql: "SELECT * FROM ranges").forEach { row in
                ranges[row["domain_id"], default: []].append(try Self.decodeRange(row))
            }
            var published: [Int64: PublishedState] = [:]
            try Row.fetchCursor(db, sql: "SELECT * FROM published_state").forEach { row in
                published[row["domain_id"]] = try Self.decodePublished(row)
            }
            var windDowns: [Int64: WindDown] = [:]
            try Row.fetchCursor(db, sql: "SELECT * FROM domain_wind_downs").forEach { row in
                windDowns[row["domain_id"]] = Self.decodeWindDown(row)
            }
            var plans: [Int64: MXChangePlan] = [:]
            try Row.fetchCursor(db, sql: "SELECT * FROM mta_sts_mx_plans").forEach { row in
                plans[row["domain_id"]] = try Self.decodeMXPlan(row)
            }
            let entries = try Self.fetchAllDomains(db).map { id, domain in
                InventorySnapshot.Entry(
                    domain: domain,
                    senders: senders[id] ?? [],
                    ranges: (ranges[id] ?? []).sorted { $0.cidr < $1.cidr },
                    published: published[id],
                    hostedNames: HostedNames(domain: domain.name, hostedZone: settings.hostedZone,
                                             reportZone: settings.reportZone),
                    windDown: windDowns[id], mxPlan: plans[id])
            }
            return InventorySnapshot(settings: settings, generation: generation, entries: entries)
        }
    }

    /// One domain with its senders, ranges, published state and hosted names.
    ///
    /// - Throws: ``InventoryError/notInitialized``; ``InventoryError/unknownDomain(_:)``.
    public func entry(_ name: InventoryName) throws -> InventorySnapshot.Entry {
        try read { db in
            let settings = try Self.requireSettings(db)
            let (id, domain) = try Self.requireDomain(db, name)
            return InventorySnapshot.Entry(
                domain: domain,
                senders: try Self.fetchApprovedSenders(db, domainID: id),
                ranges: try Self.fetchRanges(db, domainID: id),
                published: try Self.fetchPublished(db, domainID: id),
                hostedNames: HostedNames(domain: domain.name, hostedZone: settings.hostedZone, reportZone: settings.reportZone),
                windDown: try Self.fetchWindDown(db, domainID: id), mxPlan: try Self.fetchMXPlan(db, domainID: id))
        }
    }
}
