import GRDB

extension InventoryMigrations {
    /// Migration 0006: ingested DMARC aggregate and TLS reports, autopilot state (issue 6).
    static func registerReportMigrations(_ migrator: inout DatabaseMigrator) {}
}
