import Foundation
import GRDB
@testable import Inventory
import RecordBuilder

/// A fresh inventory in a temporary file, removed when the value goes away.
final class TestInventory {
    let directory: URL
    let path: String
    let inventory: Inventory

    /// A fixed clock: 2026-01-01T00:00:00Z. Tests never read the wall clock.
    static let t0: Int64 = 1_767_225_600
    static let day: Int64 = 86_400

    init(initialized: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("herald.sqlite").path
        inventory = try Inventory(path: path)
        if initialized {
            try inventory.initialize(Self.settings(), actor: "test", now: Self.t0)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    static func settings(zone: String = "hosted.example.net", reportZone: String = "reports.example.net") throws -> InventorySettings {
        InventorySettings(
            hostedZone: try InventoryName(parsing: zone, argument: "--zone"),
            reportZone: try InventoryName(parsing: reportZone, argument: "--report-zone"),
            nameServers: [try InventoryName(parsing: "ns1.example.net", argument: "--ns")],
            policyAddresses: [InventoryAddress("192.0.2.80")!, InventoryAddress("2001:db8::80")!])
    }

    /// Row counts of every table, to prove a failed call wrote nothing.
    func counts() throws -> [String: Int] {
        try inventory.pool.read { db in
            var result: [String: Int] = [:]
            for table in ["settings", "senders", "domains", "domain_mx_patterns", "approvals", "ranges", "audit_log",
                          "published_state"] {
                result[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")
            }
            result["generation"] = Int(try Int64.fetchOne(db, sql: "SELECT value FROM inventory_generation") ?? -1)
            return result
        }
    }

    /// Runs raw SQL in a write transaction (to attack the schema directly).
    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try inventory.pool.write { db in try db.execute(sql: sql, arguments: arguments) }
    }
}

func name(_ text: String) throws -> InventoryName { try InventoryName(parsing: text, argument: "DOMAIN") }
func slug(_ text: String) throws -> SenderSlug { try SenderSlug(parsing: text, argument: "SLUG") }
func cidr(_ text: String) throws -> InventoryCIDR { try InventoryCIDR(parsing: text, argument: "CIDR") }

/// The error thrown by `body`, as an `InventoryError`, or `nil`.
func inventoryError(_ body: () throws -> Void) -> InventoryError? {
    do {
        try body()
        return nil
    } catch let error as InventoryError {
        return error
    } catch {
        return .database("unexpected \(error)")
    }
}
