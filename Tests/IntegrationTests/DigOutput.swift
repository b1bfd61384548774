import Foundation
import Testing

/// One resource record as `dig`/`kdig` print it in a section.
struct DigRecord: Sendable, Equatable {
    /// Owner name as printed (absolute, with the trailing dot).
    var owner: String
    /// TTL in seconds.
    var ttl: UInt32
    /// `TXT`, `SOA`, …
    var type: String
    /// RDATA in presentation format.
    var rdata: String

    /// The character-strings of a TXT RDATA, unescaped (RFC 1035 §5.1 `\"`, `\\`, `\DDD`).
    var txtStrings: [[UInt8]] { DigOutput.characterStrings(rdata) }
    /// The TXT strings joined without separators (RFC 7208 §3.3), as UTF-8 text.
    var txtText: String { String(decoding: txtStrings.joined(), as: UTF8.self) }
}

/// The parts of a `dig` or `kdig` answer the tests assert on.
struct DigOutput: Sendable, CustomStringConvertible {
    /// `NOERROR`, `NXDOMAIN`, `REFUSED`, …
    var status: String
    /// Header flags, lowercase (`qr`, `aa`, `tc`, `rd`, `ra`).
    var flags: Set<String>
    var answer: [DigRecord]
    var authority: [DigRecord]
    /// `MSG SIZE rcvd` (dig) or `Received N B` (kdig), octets.
    var messageSize: Int?
    /// The whole printed output.
    var raw: String

    var description: String { raw }

    /// Parses dig's or kdig's default output. Throws when there is no header line (no answer).
    init(parsing text: String) throws {
        raw = text
        guard let status = DigOutput.firstMatch(#"status: ([A-Z]+)"#, in: text) else {
            throw HarnessError("no DNS header in client output:\n\(text)")
        }
        self.status = status
        let flagText = DigOutput.firstMatch(#";; [Ff]lags: ([a-z ]*);"#, in: text) ?? ""
        flags = Set(flagText.split(separator: " ").map(String.init))
        messageSize = DigOutput.firstMatch(#"MSG SIZE +rcvd: ([0-9]+)"#, in: text).flatMap { Int($0) }
            ?? DigOutput.firstMatch(#";; Received ([0-9]+) B"#, in: text).flatMap { Int($0) }
        answer = DigOutput.section("ANSWER", in: text)
        authority = DigOutput.section("AUTHORITY", in: text)
    }

    /// Records of `;; NAME SECTION:` up to the next blank line.
    static func section(_ name: String, in text: String) -> [DigRecord] {
        var records: [DigRecord] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(";; \(name) SECTION:") { inside = true; continue }
            guard inside else { continue }
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix(";;") { break }
            let fields = line.split(maxSplits: 4, whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 5, let ttl = UInt32(fields[1]) else { continue }
            records.append(DigRecord(owner: String(fields[0]), ttl: ttl, type: String(fields[3]),
                                     rdata: String(fields[4]).trimmingCharacters(in: .whitespaces)))
        }
        return records
    }

    /// Splits presentation-format TXT RDATA into unescaped character-strings.
    static func characterStrings(_ rdata: String) -> [[UInt8]] {
        let bytes = Array(rdata.utf8)
        var strings: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\"") {
                var current: [UInt8] = []
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count {
                        if i + 3 < bytes.count, let value = UInt8(String(decoding: bytes[(i + 1)...(i + 3)], as: UTF8.self)),
                           bytes[(i + 1)...(i + 3)].allSatisfy({ (48...57).contains($0) }) {
                            current.append(value)
                            i += 4
                        } else {
                            current.append(bytes[i + 1])
                            i += 2
                        }
                    } else {
                        current.append(bytes[i])
                        i += 1
                    }
                }
                strings.append(current)
                i += 1
            } else {
                i += 1
            }
        }
        return strings
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }
}

/// `dig` and `kdig` against the test server (loopback, no recursion, one try).
enum Dig {
    /// `dig @127.0.0.1 -p PORT +norec +time=2 +tries=1 options… name type`.
    static func dig(_ port: Int, _ name: String, _ type: String, _ options: [String] = []) async throws -> DigOutput {
        let result = try await ExternalCommand.run(
            "dig", ["@127.0.0.1", "-p", String(port), "+norec", "+time=2", "+tries=1"] + options + [name, type],
            timeout: .seconds(15))
        guard result.succeeded else { throw HarnessError("dig failed: \(result)") }
        return try DigOutput(parsing: result.stdout)
    }

    /// `kdig @127.0.0.1 -p PORT +norec +time=2 +retry=0 options… name type`.
    static func kdig(_ port: Int, _ name: String, _ type: String, _ options: [String] = []) async throws -> DigOutput {
        let result = try await ExternalCommand.run(
            "kdig", ["@127.0.0.1", "-p", String(port), "+norec", "+time=2", "+retry=0"] + options + [name, type],
            timeout: .seconds(15))
        guard result.succeeded else { throw HarnessError("kdig failed: \(result)") }
        return try DigOutput(parsing: result.stdout)
    }
}
