import Foundation
import GRDB

/// The operator's inventory: settings, sender catalog, customer domains, approvals, ranges,
/// DMARC stages, the audit log and the last published state, in one SQLite file.
///
/// Opened as a GRDB `DatabasePool` in WAL mode with foreign keys on, so `herald serve` reads
/// while CLI commands write from other processes. Every public mutating method is one
/// transaction that writes its audit row with its change: when it throws, nothing was written.
/// Time is always a parameter (`now`, Unix seconds); the inventory never reads the clock.
public final class Inventory: Sendable {
    /// The underlying pool, for read-only use by tools that need raw SQL.
    public let pool: DatabasePool

    /// Opens (creating if needed) the inventory at `path` and applies pending migrations.
    ///
    /// - Parameter path: the SQLite file; `-wal` and `-shm` files appear beside it.
    /// - Throws: ``InventoryError/database(_:)`` when the file cannot be opened or migrated.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "herald.inventory"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try InventoryMigrations.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw InventoryError.database(error.message ?? "\(error)")
        } catch {
            throw InventoryError.database("\(error)")
        }
    }

    /// Runs `body` in one write transaction, mapping SQLite errors to ``InventoryError``.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as InventoryError {
            throw error
        } catch let error as DatabaseError {
            throw InventoryError.database(error.message ?? "\(error)")
        }
    }

    /// Runs `body` in one read transaction (a consistent snapshot), mapping SQLite errors.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as InventoryError {
            throw error
        } catch let error as DatabaseError {
            throw InventoryError.database(error.message ?? "\(error)")
        }
    }

    /// A counter that increases with every committed change to settings (other than the
    /// published serial), senders, domains, MTA-STS patterns, approvals and ranges, and to what
    /// is served from the published state (records, MTA-STS policy, SPF pass sets), by any
    /// process.
    ///
    /// Bumped by triggers (migrations `0003-generation-counter`, `0004-spf-mode-gate-provenance`);
    /// `herald serve` polls it (cheap: one row) to notice another process's writes, including a
    /// `herald build`. The server's own builds bump it too; it compares content and moves the
    /// SOA serial only on a real change. Build failures, held builds, the published serial and
    /// the audit log do not change it.
    public func inventoryGeneration() throws -> Int64 {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT value FROM inventory_generation WHERE id = 1") ?? 0
        }
    }

    /// Appends an audit row inside the caller's transaction.
    func audit(_ db: Database, time: Int64, actor: String, action: AuditAction, subject: String,
               before: String?, after: String?, reason: String?) throws {
        let actor = actor.isEmpty ? "unknown" : actor
        try db.execute(
            sql: """
                INSERT INTO audit_log (time, actor, action, subject, before, after, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [time, actor, action.rawValue, subject, before, after, reason])
    }

    /// Encodes a value as compact JSON with sorted keys, for audit rows.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
