import GRDB

extension InventoryMigrations {
    /// Migration 0005: MTA-STS policy lifecycle (mx changes) and customer wind-down (issue 5).
    static func registerLifecycleMigrations(_ migrator: inout DatabaseMigrator) {}
}
