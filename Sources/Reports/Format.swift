import Foundation

/// Number formatting for readiness text: `2,400`, `31.0 %`, `3d 4h`.
enum Format {
    /// A count with thousands separators.
    static func count(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A share 0…1 as a percentage with one decimal (`98.0 %`); whole hundreds print as `100 %`.
    static func percent(_ share: Double) -> String {
        if share >= 1 { return "100 %" }
        return String(format: "%.1f %%", (share * 1000).rounded(.down) / 10)
    }

    /// A duration in seconds for people.
    static func duration(_ seconds: Int64) -> String {
        let days = seconds / 86_400, hours = seconds % 86_400 / 3600, minutes = seconds % 3600 / 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days)d") }
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0 && days == 0 { parts.append("\(minutes)m") }
        if parts.isEmpty { parts.append("\(seconds)s") }
        return parts.joined(separator: " ")
    }
}
