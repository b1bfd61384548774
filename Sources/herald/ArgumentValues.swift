import Inventory
import RecordBuilder

/// Parses command-line strings into inventory values, throwing ``InventoryError`` messages
/// that name the argument and the value (so ``HeraldExit`` maps them).
enum ArgumentValues {
    /// A customer domain (U-labels converted to A-labels).
    static func domain(_ text: String, _ argument: String = "DOMAIN") throws -> InventoryName {
        try InventoryName(parsing: text, argument: argument)
    }

    /// One of an enumeration's raw values; the error lists them all.
    static func choice<T: RawRepresentable & CaseIterable>(_ text: String, _ argument: String,
                                                           _ type: T.Type = T.self) throws -> T where T.RawValue == String {
        if let value = T(rawValue: text.lowercased()) ?? T(rawValue: text) { return value }
        throw InventoryError.invalidValue(argument: argument, value: text,
                                          reason: "expected one of: " + T.allCases.map(\.rawValue).joined(separator: ", "))
    }

    /// An SPF `all` qualifier: `-`, `~` or `?`, also spelled `fail`, `softfail`, `neutral`.
    static func spfAll(_ text: String) throws -> SPFQualifier {
        let names: [String: SPFQualifier] = ["-": .fail, "~": .softfail, "?": .neutral, "fail": .fail,
                                             "softfail": .softfail, "neutral": .neutral]
        guard let value = names[text.lowercased()] else {
            throw InventoryError.invalidValue(argument: "--spf-all", value: text,
                                              reason: "expected '-' (fail), '~' (softfail) or '?' (neutral); '+all' is never allowed")
        }
        return value
    }
}
