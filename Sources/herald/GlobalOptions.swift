import ArgumentParser
import Foundation
import Inventory

/// Options every command takes: where the inventory is, who is acting, and the output format.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite inventory file (default: $HERALD_DB, else ./herald.sqlite).",
                                            valueName: "PATH"))
    var db: String?

    @Flag(name: .long, help: "Print data as JSON (sorted keys) instead of aligned text.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Who is acting, for the audit log (default: $HERALD_ACTOR, else $USER).",
                                            valueName: "NAME"))
    var actor: String?

    /// The inventory path: `--db`, else `$HERALD_DB`, else `./herald.sqlite`.
    var databasePath: String {
        if let db, !db.isEmpty { return db }
        if let env = ProcessInfo.processInfo.environment["HERALD_DB"], !env.isEmpty { return env }
        return "herald.sqlite"
    }

    /// The audit actor: `--actor`, else `$HERALD_ACTOR`, else `$USER`, else `operator`.
    var actorName: String {
        let env = ProcessInfo.processInfo.environment
        for candidate in [actor, env["HERALD_ACTOR"], env["USER"]] {
            if let candidate, !candidate.isEmpty { return candidate }
        }
        return "operator"
    }

    /// Opens the inventory and applies pending migrations. Only `herald init` (`create`) may
    /// create the file, so a mistyped `--db` does not leave an empty inventory behind.
    ///
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` naming `--db` when the
    ///   file does not exist and `create` is false.
    func openInventory(create: Bool = false) throws -> Inventory {
        let path = databasePath
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw InventoryError.invalidValue(argument: "--db", value: path,
                                              reason: "no inventory at this path; run 'herald init' first (or set HERALD_DB)")
        }
        return try Inventory(path: path)
    }

    /// The wall clock, Unix seconds. The CLI is the only place that reads it.
    var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// Prints `value` as JSON when `--json`, else `text()`.
    func emit<T: Encodable>(_ value: T, text: () -> String) throws {
        if json {
            print(try Output.json(value))
        } else {
            let rendered = text()
            if !rendered.isEmpty { print(rendered) }
        }
    }
}
