import Foundation
@testable import RecordBuilder

/// An in-memory ``UpstreamSource`` built from zone-like text (absolute names, TXT/A/AAAA/MX).
///
/// A name with any record exists; a question for a type it lacks is NODATA (`[]`); a name with
/// no record is NXDOMAIN. Names in `temporary` fail with ``UpstreamError/temporary(name:reason:)``.
/// Every question is counted so tests can check caching.
final class ZoneFixture: UpstreamSource, @unchecked Sendable {
    private(set) var txtRecords: [String: [String]] = [:]
    private(set) var aRecords: [String: [IPv4Address]] = [:]
    private(set) var aaaaRecords: [String: [IPv6Address]] = [:]
    private(set) var mxRecords: [String: [(Int, String)]] = [:]
    private var names: Set<String> = []
    var temporary: Set<String> = []
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    init(_ text: String) {
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = Self.stripComment(String(raw))
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty, !line.hasPrefix("$") else { continue }
            var fields = Self.fields(line)
            let owner = normalizedDomain(fields.removeFirst())
            while let f = fields.first, Int(f) != nil || f.uppercased() == "IN" { fields.removeFirst() }
            let type = fields.removeFirst().uppercased()
            names.insert(owner)
            switch type {
            case "TXT": txtRecords[owner, default: []].append(fields.joined())
            case "A": aRecords[owner, default: []].append(IPv4Address(fields[0])!)
            case "AAAA": aaaaRecords[owner, default: []].append(IPv6Address(fields[0])!)
            case "MX": mxRecords[owner, default: []].append((Int(fields[0])!, normalizedDomain(fields[1])))
            default: fatalError("fixture: unsupported type \(type)")
            }
        }
    }

    /// Removes a `;` comment outside quotes.
    private static func stripComment(_ line: String) -> String {
        var inQuote = false, escaped = false, out = ""
        for c in line {
            if escaped { escaped = false; out.append(c); continue }
            if c == "\\" { escaped = true; out.append(c); continue }
            if c == "\"" { inQuote.toggle() }
            if c == ";" && !inQuote { break }
            out.append(c)
        }
        return out
    }

    /// Splits into whitespace-separated fields; a quoted field loses its quotes and escapes.
    private static func fields(_ line: String) -> [String] {
        var out: [String] = [], cur = "", inQuote = false, quoted = false
        var it = Array(line), i = 0
        while i < it.count {
            let c = it[i]
            if inQuote {
                if c == "\\", i + 1 < it.count {
                    if it[i + 1].isNumber, i + 3 < it.count, let v = UInt8(String(it[(i + 1)...(i + 3)])) {
                        cur.append(Character(Unicode.Scalar(v))); i += 4; continue
                    }
                    cur.append(it[i + 1]); i += 2; continue
                }
                if c == "\"" { inQuote = false; i += 1; continue }
                cur.append(c)
            } else if c == "\"" {
                inQuote = true; quoted = true
            } else if c == " " || c == "\t" {
                if !cur.isEmpty || quoted { out.append(cur) }
                cur = ""; quoted = false
            } else {
                cur.append(c)
            }
            i += 1
        }
        if !cur.isEmpty || quoted { out.append(cur) }
        it = []
        return out
    }

    private func ask(_ type: String, _ name: String) throws {
        lock.lock()
        counts["\(type) \(name)", default: 0] += 1
        lock.unlock()
        if temporary.contains(name) { throw UpstreamError.temporary(name: name, reason: "timeout (fixture)") }
        if !names.contains(name) { throw UpstreamError.nxdomain(name: name) }
    }

    /// How often each `TYPE name` question was asked.
    var questionCounts: [String: Int] {
        lock.lock(); defer { lock.unlock() }
        return counts
    }

    func txt(_ name: String) async throws -> [String] { try ask("TXT", name); return txtRecords[name] ?? [] }
    func a(_ name: String) async throws -> [IPv4Address] { try ask("A", name); return aRecords[name] ?? [] }
    func aaaa(_ name: String) async throws -> [IPv6Address] { try ask("AAAA", name); return aaaaRecords[name] ?? [] }
    func mx(_ name: String) async throws -> [String] {
        try ask("MX", name)
        return (mxRecords[name] ?? []).sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// Locates a file under `shared/` by walking up from this source file (`../shared` of the
/// project root in CI, `/work/shared` in development).
func sharedFile(_ relative: String) throws -> String {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" {
        let candidate = dir.appendingPathComponent("shared").appendingPathComponent(relative)
        if FileManager.default.fileExists(atPath: candidate.path) {
            return try String(contentsOf: candidate, encoding: .utf8)
        }
        dir = dir.deletingLastPathComponent()
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "shared/" + relative])
}

/// Parses `"a b c"` network lists into an ``AddressSet``.
func addressSet(_ text: String) -> AddressSet {
    AddressSet(text.split(separator: " ").map { try! IPNetwork.parse(String($0)) })
}

/// `IPv4Address` from text, crashing on a typo in a test.
func v4(_ s: String) -> AnyIPAddress { .v4(IPv4Address(s)!) }
/// `IPv6Address` from text, crashing on a typo in a test.
func v6(_ s: String) -> AnyIPAddress { .v6(IPv6Address(s)!) }
