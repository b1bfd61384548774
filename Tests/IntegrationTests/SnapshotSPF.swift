import Foundation

/// The TXT records of the ESP snapshot zone file, read with a deliberately small parser of its
/// own (absolute owner names, `TXT "…" "…"` lines), so the tests can reason about the original
/// sender trees without the product's zone reader.
struct SnapshotSPF {
    /// Owner (lowercase, no trailing dot) → TXT texts (strings joined, RFC 7208 §3.3).
    var txt: [String: [String]] = [:]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix(";") || trimmed.hasPrefix("$") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3, let typeIndex = fields.firstIndex(of: "TXT") else { continue }
            let owner = fields[0].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            let rest = fields[(typeIndex + 1)...].joined(separator: " ")
            let strings = DigOutput.characterStrings(rest)
            txt[owner, default: []].append(String(decoding: strings.joined(), as: UTF8.self))
        }
    }

    /// The single `v=spf1` record at `name` (RFC 7208 §4.5), if exactly one exists.
    func spfRecord(_ name: String) -> String? {
        let key = name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let records = (txt[key] ?? []).filter { $0 == "v=spf1" || $0.lowercased().hasPrefix("v=spf1 ") }
        return records.count == 1 ? records[0] : nil
    }

    /// DNS-querying terms a receiver evaluates in `name`'s tree (RFC 7208 §4.6.4: `include`,
    /// `a`, `mx`, `ptr`, `exists`, `redirect`), following includes and redirects. Stops at
    /// depth 20 so a loop in the fixture cannot hang the test.
    func lookupTerms(below name: String, depth: Int = 0) -> Int {
        guard depth < 20, let record = spfRecord(name) else { return 0 }
        var count = 0
        for raw in record.split(separator: " ").dropFirst() {
            let term = raw.drop(while: { "+-~?".contains($0) }).lowercased()
            if term.hasPrefix("include:") {
                count += 1 + lookupTerms(below: String(term.dropFirst("include:".count)), depth: depth + 1)
            } else if term.hasPrefix("redirect=") {
                count += 1 + lookupTerms(below: String(term.dropFirst("redirect=".count)), depth: depth + 1)
            } else if term == "a" || term == "mx" || term == "ptr"
                        || ["a:", "a/", "mx:", "mx/", "ptr:", "exists:"].contains(where: { term.hasPrefix($0) }) {
                count += 1
            }
        }
        return count
    }

    /// Owner names holding exactly one `v=spf1` record.
    var spfOwners: Set<String> { Set(txt.keys.filter { spfRecord($0) != nil }) }
}
