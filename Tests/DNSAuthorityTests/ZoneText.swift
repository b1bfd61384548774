import DNSCore
import DNSAuthority

/// A tiny test-only reader for zone text: one record per line,
/// `owner [ttl] [class] TYPE rdata…`, absolute names (trailing dot optional), `;` comments,
/// quoted character-strings with `\"`, `\\` and `\DDD`. Supports SOA NS A AAAA CNAME PTR MX
/// TXT HINFO and `TYPEnnn \# len hex`. Also reads what `MasterFile.render` writes.
enum ZoneText {
    struct ParseError: Error, CustomStringConvertible {
        let line: String
        let reason: String
        var description: String { "zone text '\(line)': \(reason)" }
    }

    static func records(_ text: String, defaultTTL: UInt32 = 3600) throws -> [ResourceRecord] {
        var result: [ResourceRecord] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(rawLine)
            let tokens = try tokenize(line)
            if tokens.isEmpty { continue }
            result.append(try record(tokens, line: line, defaultTTL: defaultTTL))
        }
        return result
    }

    /// Splits a line into tokens; quoted strings become one token holding raw octets and a
    /// flag saying they were quoted.
    static func tokenize(_ line: String) throws -> [(bytes: [UInt8], quoted: Bool)] {
        let bytes = Array(line.utf8)
        var tokens: [(bytes: [UInt8], quoted: Bool)] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ";") { break }
            if byte == 0x20 || byte == 0x09 { index += 1; continue }
            if byte == UInt8(ascii: "\"") {
                var value: [UInt8] = []
                index += 1
                while true {
                    guard index < bytes.count else { throw ParseError(line: line, reason: "unterminated quote") }
                    let c = bytes[index]
                    if c == UInt8(ascii: "\"") { index += 1; break }
                    if c == UInt8(ascii: "\\") {
                        let next = bytes[index + 1]
                        if next >= 0x30 && next <= 0x39 {
                            let digits = bytes[(index + 1)...(index + 3)].map { Int($0 - 0x30) }
                            value.append(UInt8(digits[0] * 100 + digits[1] * 10 + digits[2]))
                            index += 4
                        } else {
                            value.append(next)
                            index += 2
                        }
                        continue
                    }
                    value.append(c)
                    index += 1
                }
                tokens.append((value, true))
                continue
            }
            var value: [UInt8] = []
            while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x09 {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    value.append(bytes[index])
                    value.append(bytes[index + 1])
                    index += 2
                    continue
                }
                value.append(bytes[index])
                index += 1
            }
            tokens.append((value, false))
        }
        return tokens
    }

    static func record(_ tokens: [(bytes: [UInt8], quoted: Bool)], line: String, defaultTTL: UInt32) throws -> ResourceRecord {
        func text(_ i: Int) -> String { String(decoding: tokens[i].bytes, as: UTF8.self) }
        let owner = try DNSName(text(0))
        var i = 1
        var ttl = defaultTTL
        var rrClass = RRClass.in
        if let value = UInt32(text(i)) { ttl = value; i += 1 }
        if let value = try? RRClass(mnemonic: text(i)), !text(i).uppercased().hasPrefix("TYPE") { rrClass = value; i += 1 }
        let type = try RRType(mnemonic: text(i))
        i += 1
        let rest = Array(tokens[i...])
        func restText(_ k: Int) throws -> String {
            guard k < rest.count else { throw ParseError(line: line, reason: "missing RDATA field \(k)") }
            return String(decoding: rest[k].bytes, as: UTF8.self)
        }
        let rdata: RData
        if rest.first.map({ String(decoding: $0.bytes, as: UTF8.self) }) == "\\#" {
            let length = Int(try restText(1))!
            let hex = rest.dropFirst(2).map { String(decoding: $0.bytes, as: UTF8.self) }.joined()
            var bytes: [UInt8] = []
            var h = hex.startIndex
            while h < hex.endIndex {
                let n = hex.index(h, offsetBy: 2)
                bytes.append(UInt8(hex[h..<n], radix: 16)!)
                h = n
            }
            guard bytes.count == length else { throw ParseError(line: line, reason: "generic RDATA length") }
            rdata = .unknown(type: type, bytes: bytes)
        } else {
            switch type {
            case .a:
                let parts = try restText(0).split(separator: ".").map { UInt8($0)! }
                rdata = .a(parts[0], parts[1], parts[2], parts[3])
            case .aaaa:
                rdata = .aaaa(try parseIPv6(try restText(0), line: line))
            case .ns: rdata = .ns(try DNSName(try restText(0)))
            case .cname: rdata = .cname(try DNSName(try restText(0)))
            case .ptr: rdata = .ptr(try DNSName(try restText(0)))
            case .mx: rdata = .mx(preference: UInt16(try restText(0))!, exchange: try DNSName(try restText(1)))
            case .soa:
                rdata = .soa(SOAData(mname: try DNSName(try restText(0)), rname: try DNSName(try restText(1)),
                                     serial: UInt32(try restText(2))!, refresh: UInt32(try restText(3))!,
                                     retry: UInt32(try restText(4))!, expire: UInt32(try restText(5))!,
                                     minimum: UInt32(try restText(6))!))
            case .txt:
                rdata = .txt(try rest.map { try CharacterString($0.bytes) })
            case .hinfo:
                rdata = .hinfo(cpu: try CharacterString(rest[0].bytes), os: try CharacterString(rest[1].bytes))
            default:
                throw ParseError(line: line, reason: "type \(type) needs generic form")
            }
        }
        return ResourceRecord(name: owner, rrClass: rrClass, ttl: ttl, rdata: rdata)
    }

    static func parseIPv6(_ text: String, line: String) throws -> UInt128 {
        let halves: [String]
        if let range = text.firstRange(of: "::") {
            halves = [String(text[..<range.lowerBound]), String(text[range.upperBound...])]
        } else {
            halves = [text]
        }
        func groups(_ part: String) -> [UInt16] { part.isEmpty ? [] : part.split(separator: ":").map { UInt16($0, radix: 16)! } }
        var all: [UInt16]
        if halves.count == 2 {
            let head = groups(halves[0]), tail = groups(halves[1])
            all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            all = groups(text)
        }
        guard all.count == 8 else { throw ParseError(line: line, reason: "bad IPv6 \(text)") }
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    /// Compiles a zone from text.
    static func zone(_ origin: String, _ text: String) throws -> Zone {
        try ZoneCompiler.compile(origin: DNSName(origin), records: records(text))
    }
}
