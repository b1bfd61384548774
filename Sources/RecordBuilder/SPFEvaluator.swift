/// A direct, unoptimised `check_host()` (RFC 7208 §4): the reference the flattener is tested
/// against.
///
/// Implements §4.3–§4.7, the mechanisms of §5, `redirect` (§6.1), the 10-lookup and 2-void-lookup
/// limits and the 10-MX limit (§4.6.4), and macro expansion of §7.3 for the `s l o d i p h v`
/// letters. Limits: `ptr` always fails to match because ``UpstreamSource`` has no PTR lookups
/// (§5.5 allows no-match on lookup failure); `%{p}` expands to `unknown`; `exp=` is not fetched.
public enum SPFEvaluator {
    /// Evaluates `check_host(ip, domain, sender)`.
    /// - Parameters:
    ///   - ip: the SMTP client address.
    ///   - domain: the domain whose SPF record is checked (lowercase or not; trailing dot allowed).
    ///   - sender: the MAIL FROM address for `%{s}`, `%{l}`, `%{o}`; default `postmaster@<domain>`.
    ///   - source: where DNS answers come from.
    /// - Returns: the SPF result; never throws (DNS trouble is `temperror`, §4.4).
    public static func checkHost(ip: AnyIPAddress, domain: String, sender: String? = nil,
                                 source: any UpstreamSource) async -> SPFResult {
        let d = normalizedDomain(domain)
        var context = Context(ip: ip, sender: sender ?? "postmaster@\(d)", source: source)
        return await context.check(d)
    }

    /// Expands a macro-string for `ip`, current domain `domain` and `sender` (§7.3); the result
    /// is trimmed from the left to at most 253 octets when it is a domain name.
    public static func expand(_ spec: SPFMacroString, ip: AnyIPAddress, domain: String, sender: String) -> String {
        var out = ""
        for part in spec.parts {
            switch part {
            case .literal(let t): out += t
            case .macro(let m): out += expand(m, ip: ip, domain: domain, sender: sender)
            }
        }
        while out.utf8.count > 253, let dot = out.firstIndex(of: ".") {
            out = String(out[out.index(after: dot)...])
        }
        return out
    }

    static func expand(_ m: SPFMacro, ip: AnyIPAddress, domain: String, sender: String) -> String {
        let at = sender.lastIndex(of: "@")
        let local = at.map { String(sender[..<$0]) } ?? "postmaster"
        let senderDomain = at.map { String(sender[sender.index(after: $0)...]) } ?? sender
        let value: String
        switch m.letter {
        case "s": value = sender
        case "l": value = local.isEmpty ? "postmaster" : local
        case "o": value = senderDomain
        case "d": value = domain
        case "h": value = senderDomain
        case "p": value = "unknown"
        case "v":
            if case .v4 = ip { value = "in-addr" } else { value = "ip6" }
        case "i":
            switch ip {
            case .v4(let a): value = a.description
            case .v6(let a):
                let hex = Array("0123456789abcdef")
                value = (0..<32).map { String(hex[Int((a.value >> UInt128(4 * (31 - $0))) & 0xF)]) }.joined(separator: ".")
            }
        default: value = ""
        }
        let delims = m.delimiters.isEmpty ? "." : m.delimiters
        var parts = value.split(whereSeparator: { delims.contains($0) }).map(String.init)
        if m.reverse { parts.reverse() }
        if let n = m.rightParts, n < parts.count { parts = Array(parts.suffix(n)) }
        var result = parts.joined(separator: ".")
        if m.urlEscape {
            var escaped = ""
            for b in result.utf8 {
                let c = Character(Unicode.Scalar(b))
                if c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "." || c == "_" || c == "~") {
                    escaped.append(c)
                } else {
                    escaped += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
            result = escaped
        }
        return result
    }

    /// Evaluation state: the §4.6.4 counters.
    struct Context {
        let ip: AnyIPAddress
        let sender: String
        let source: any UpstreamSource
        var lookups = 0
        var voids = 0

        enum Stop: Error { case result(SPFResult) }

        mutating func countLookup() throws(Stop) {
            lookups += 1
            if lookups > 10 { throw .result(.permerror) }
        }

        mutating func countVoid() throws(Stop) {
            voids += 1
            if voids > 2 { throw .result(.permerror) }
        }

        /// §4.3 domain validity: non-empty labels of at most 63 octets, at most 253 in all,
        /// at least two labels.
        static func isValid(_ d: String) -> Bool {
            let labels = d.split(separator: ".", omittingEmptySubsequences: false)
            return labels.count >= 2 && d.utf8.count <= 253 && !labels.contains { $0.isEmpty || $0.utf8.count > 63 }
        }

        mutating func check(_ domain: String) async -> SPFResult {
            guard Self.isValid(domain) else { return .none }
            let txt: [String]
            do { txt = try await source.txt(domain) } catch UpstreamError.nxdomain { return .none } catch { return .temperror }
            let text: String
            switch SPFRecord.select(from: txt) {
            case .none: return .none
            case .multiple: return .permerror
            case .one(let t): text = t
            }
            guard let record = try? SPFRecord.parse(text) else { return .permerror }
            do {
                for d in record.directives {
                    if d.mechanism.queriesDNS { try countLookup() }
                    if try await matches(d.mechanism, domain: domain) { return SPFResult(d.qualifier) }
                }
                if !record.hasAll, let r = record.redirect {
                    try countLookup()
                    let target = normalizedDomain(SPFEvaluator.expand(r, ip: ip, domain: domain, sender: sender))
                    let result = await check(target)
                    return result == .none ? .permerror : result
                }
            } catch {
                if case .result(let r) = error { return r }
            }
            return .neutral
        }

        func target(_ spec: SPFMacroString?, _ domain: String) -> String {
            guard let spec else { return domain }
            return normalizedDomain(SPFEvaluator.expand(spec, ip: ip, domain: domain, sender: sender))
        }

        mutating func matches(_ m: SPFMechanism, domain: String) async throws(Stop) -> Bool {
            switch m {
            case .all: return true
            case .ip4(let b): if case .v4(let a) = ip { return b.contains(a) } else { return false }
            case .ip6(let b): if case .v6(let a) = ip { return b.contains(a) } else { return false }
            case .include(let spec):
                switch await check(target(spec, domain)) {
                case .pass: return true
                case .fail, .softfail, .neutral: return false
                case .temperror: throw .result(.temperror)
                case .permerror, .none: throw .result(.permerror)
                }
            case .a(let spec, let cidr):
                let name = target(spec, domain)
                let (hit, empty) = try await hostMatches(name, cidr)
                if empty { try countVoid() }
                return hit
            case .mx(let spec, let cidr):
                let name = target(spec, domain)
                let names: [String]
                do { names = try await source.mx(name) } catch UpstreamError.nxdomain { names = [] } catch { throw .result(.temperror) }
                if names.isEmpty { try countVoid(); return false }
                let hosts = names.map(normalizedDomain).filter { !$0.isEmpty }
                if hosts.count > 10 { throw .result(.permerror) }
                for h in hosts where try await hostMatches(h, cidr).hit { return true }
                return false
            case .ptr:
                return false
            case .exists(let spec):
                let name = target(spec, domain)
                let found: [IPv4Address]
                do { found = try await source.a(name) } catch UpstreamError.nxdomain { found = [] } catch { throw .result(.temperror) }
                if found.isEmpty { try countVoid(); return false }
                return true
            }
        }

        /// A or AAAA of `name` (by the family of `ip`) against `cidr`; `empty` when void.
        func hostMatches(_ name: String, _ cidr: SPFDualCIDRLength) async throws(Stop) -> (hit: Bool, empty: Bool) {
            do {
                switch ip {
                case .v4(let a):
                    let found = try await source.a(name)
                    return (found.contains { CIDRBlock(address: $0, prefixLength: cidr.v4).contains(a) }, found.isEmpty)
                case .v6(let a):
                    let found = try await source.aaaa(name)
                    return (found.contains { CIDRBlock(address: $0, prefixLength: cidr.v6).contains(a) }, found.isEmpty)
                }
            } catch UpstreamError.nxdomain {
                return (false, true)
            } catch {
                throw .result(.temperror)
            }
        }
    }
}

extension String {
    /// The string left-padded with `"0"` to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
