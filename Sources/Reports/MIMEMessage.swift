import Foundation

/// A minimal RFC 5322 / RFC 2045–2046 message reader: enough to find the report attachments
/// receivers send (RFC 7489 §7.2.1.1: a gzip, zip or XML attachment; RFC 8460 §5.3: a
/// `application/tlsrpt+gzip` or `+json` part).
///
/// Reads header fields (with folding), `Content-Type` and its `boundary`/`name` parameters,
/// `Content-Disposition` `filename`, and `Content-Transfer-Encoding` (`base64`,
/// `quoted-printable`, `7bit`, `8bit`, `binary`); walks `multipart/*` bodies (nested up to
/// ``maxDepth``) and `message/rfc822` parts. Text parts without a file name are the message's
/// prose and are skipped. Nothing else of MIME (encoded words, charsets) matters here.
enum MIMEMessage {
    /// Deepest nesting of multipart and message parts followed.
    static let maxDepth = 4

    /// One candidate attachment: its file name (or `part N`) and decoded bytes.
    struct Attachment {
        var name: String
        var data: Data
    }

    /// `true` when `data` starts like a message: a header field `Name: value` on the first line.
    static func looksLikeMessage(_ data: Data) -> Bool {
        let head = data.prefix(1024)
        guard let colon = head.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let name = head[head.startIndex..<colon]
        return !name.isEmpty && name.count <= 76 && name.allSatisfy { byte in
            (byte >= 0x21 && byte <= 0x7e) && byte != UInt8(ascii: ":")
        }
    }

    /// The attachments of the message in `data`, decoded, in order.
    ///
    /// - Throws: ``ReportsError/tooLarge(what:size:limit:)`` for an attachment over the compressed
    ///   cap; ``ReportsError/notAReport(what:detail:)`` for a multipart body without a boundary.
    static func attachments(_ data: Data, what: String, limits: IngestLimits) throws -> [Attachment] {
        var result: [Attachment] = []
        try walk(data, depth: 0, what: what, limits: limits, into: &result)
        return result
    }

    private static func walk(_ data: Data, depth: Int, what: String, limits: IngestLimits, into result: inout [Attachment]) throws {
        let (headers, body) = split(data)
        let contentType = headers["content-type"].map(parseParameters) ?? ("text/plain", [:])
        let mediaType = contentType.0.lowercased()
        if mediaType.hasPrefix("multipart/") {
            guard depth < maxDepth else { return }
            guard let boundary = contentType.1["boundary"], !boundary.isEmpty else {
                throw ReportsError.notAReport(what: what, detail: "multipart message without a boundary")
            }
            for part in parts(body, boundary: boundary) {
                try walk(part, depth: depth + 1, what: what, limits: limits, into: &result)
            }
            return
        }
        let encoding = headers["content-transfer-encoding"]?.trimmingCharacters(in: .whitespaces).lowercased() ?? "7bit"
        if mediaType == "message/rfc822" {
            guard depth < maxDepth else { return }
            try walk(decode(body, encoding: encoding), depth: depth + 1, what: what, limits: limits, into: &result)
            return
        }
        let disposition = headers["content-disposition"].map(parseParameters)
        let fileName = disposition?.1["filename"] ?? contentType.1["name"]
        if fileName == nil && mediaType.hasPrefix("text/") && mediaType != "text/xml" { return }
        let decoded = decode(body, encoding: encoding)
        guard decoded.count <= limits.maxCompressedBytes else {
            throw ReportsError.tooLarge(what: "\(what): attachment \(fileName ?? "part \(result.count + 1)")",
                                        size: decoded.count, limit: limits.maxCompressedBytes)
        }
        if decoded.isEmpty { return }
        result.append(Attachment(name: fileName ?? "part \(result.count + 1)", data: decoded))
    }

    /// Header fields (lowercased names, unfolded values; the first of repeated fields wins) and the body.
    static func split(_ data: Data) -> ([String: String], Data) {
        let crlfcrlf = Data("\r\n\r\n".utf8), lflf = Data("\n\n".utf8)
        let a = data.range(of: crlfcrlf), b = data.range(of: lflf)
        let end: Range<Data.Index>?
        switch (a, b) {
        case let (a?, b?): end = a.lowerBound < b.lowerBound ? a : b
        case let (a?, nil): end = a
        case let (nil, b?): end = b
        default: end = nil
        }
        let headerBytes = end.map { data[data.startIndex..<$0.lowerBound] } ?? data[...]
        let body = end.map { Data(data[$0.upperBound...]) } ?? Data()
        var headers: [String: String] = [:]
        var currentName: String?
        var currentValue = ""
        func flush() {
            if let name = currentName, headers[name] == nil { headers[name] = currentValue.trimmingCharacters(in: .whitespaces) }
        }
        let text = String(decoding: headerBytes, as: UTF8.self)
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if let first = line.first, first == " " || first == "\t" {
                currentValue += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            flush()
            if let colon = line.firstIndex(of: ":") {
                currentName = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                currentValue = String(line[line.index(after: colon)...])
            } else {
                currentName = nil
            }
        }
        flush()
        return (headers, body)
    }

    /// `type/subtype; a=b; c="d"` → (`type/subtype`, [a: b, c: d]); parameter names lowercased.
    static func parseParameters(_ value: String) -> (String, [String: String]) {
        var items: [String] = []
        var current = ""
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle(); current.append(character); continue }
            if character == ";" && !quoted { items.append(current); current = ""; continue }
            current.append(character)
        }
        items.append(current)
        let head = items.first?.trimmingCharacters(in: .whitespaces) ?? ""
        var parameters: [String: String] = [:]
        for item in items.dropFirst() {
            guard let equals = item.firstIndex(of: "=") else { continue }
            var name = item[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            if name.hasSuffix("*") { name.removeLast() }   // RFC 2231 simple form; the value is taken as is
            var parameter = item[item.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if parameter.count >= 2, parameter.hasPrefix("\""), parameter.hasSuffix("\"") {
                parameter = String(parameter.dropFirst().dropLast())
            }
            parameters[name] = parameter
        }
        return (head, parameters)
    }

    /// The body parts between `--boundary` delimiter lines (RFC 2046 §5.1.1); the preamble and
    /// epilogue are dropped.
    static func parts(_ body: Data, boundary: String) -> [Data] {
        let delimiter = Data(("--" + boundary).utf8)
        var starts: [(Range<Data.Index>, Bool)] = []   // (delimiter range, is closing)
        var search = body.startIndex..<body.endIndex
        while let found = body.range(of: delimiter, in: search) {
            let atLineStart = found.lowerBound == body.startIndex || body[found.lowerBound - 1] == UInt8(ascii: "\n")
            search = found.upperBound..<body.endIndex
            guard atLineStart else { continue }
            let closing = body[found.upperBound...].starts(with: Data("--".utf8))
            starts.append((found, closing))
            if closing { break }
        }
        var result: [Data] = []
        for (index, (range, closing)) in starts.enumerated() where !closing && index + 1 < starts.count {
            // The part starts after the delimiter line's end and ends before the CRLF that precedes the next delimiter.
            guard let lineEnd = body[range.upperBound...].firstIndex(of: UInt8(ascii: "\n")) else { continue }
            var end = starts[index + 1].0.lowerBound
            if end > lineEnd + 1, body[end - 1] == UInt8(ascii: "\n") { end -= 1 }
            if end > lineEnd + 1, body[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let start = lineEnd + 1
            result.append(start <= end ? Data(body[start..<end]) : Data())
        }
        return result
    }

    /// Decodes a body by its `Content-Transfer-Encoding` (RFC 2045 §6).
    static func decode(_ body: Data, encoding: String) -> Data {
        switch encoding {
        case "base64": return Data(base64Encoded: body, options: .ignoreUnknownCharacters) ?? Data()
        case "quoted-printable": return quotedPrintable(body)
        default: return body
        }
    }

    /// RFC 2045 §6.7 quoted-printable: `=XX` octets and `=` soft line breaks.
    static func quotedPrintable(_ body: Data) -> Data {
        var out = Data(capacity: body.count)
        let bytes = [UInt8](body)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "=") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 2; continue }
                if i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "\r"), bytes[i + 2] == UInt8(ascii: "\n") { i += 3; continue }
                if i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return out
    }
}
