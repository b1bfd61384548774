/// Turns ``DomainReadiness`` numbers into the sentences `herald dmarc readiness` prints:
/// blockers (dwell, gate volume, gate pass rate, each approved sender dragging it down), then
/// warnings (failing unknown sources, a failing mechanism), then notes.
enum ReadinessFindings {
    static func findings(for r: DomainReadiness, dkimDomains: [String: [String: Int64]]) -> [ReadinessFinding] {
        var out: [ReadinessFinding] = []
        let days = "\(r.thresholds.windowDays) days"
        guard let next = r.nextStage else {
            out.append(ReadinessFinding(.info, "at the top stage 'reject': nothing further to unlock"))
            return out + senderFindings(r, dkimDomains: dkimDomains, days: days, blocking: false) + unknownFindings(r)
        }
        if r.dwellRemaining > 0 {
            out.append(ReadinessFinding(
                .blocker, "dwell: at '\(r.stage.rawValue)' for \(Format.duration(max(0, r.now - r.stageSince))), "
                    + "'\(next.rawValue)' needs \(Format.duration(r.stage.minimumDwell)) (another \(Format.duration(r.dwellRemaining)))"))
        }
        if !r.gate.applies {
            out.append(ReadinessFinding(
                .info, "no aggregate reports in the last \(days): the evidence gate does not apply and only the dwell "
                    + "counts; ingest reports ('herald reports ingest') to move on evidence"))
        } else if r.gate.approvedMessages < r.gate.minMessages || r.gate.approvedMessages == 0 {
            out.append(ReadinessFinding(
                .blocker, "too little evidence: \(Format.count(r.gate.approvedMessages)) messages from approved senders over "
                    + "\(days); the gate needs at least \(Format.count(r.gate.minMessages))"))
        } else if r.gate.passRate < r.gate.threshold {
            out.append(ReadinessFinding(
                .blocker, "approved senders: \(Format.percent(r.gate.passRate)) of \(Format.count(r.gate.approvedMessages)) "
                    + "messages pass DMARC over \(days); '\(next.rawValue)' needs ≥ \(Format.percent(r.gate.threshold))"))
        }
        out += senderFindings(r, dkimDomains: dkimDomains, days: days, blocking: r.gate.applies)
        out += unknownFindings(r)
        if r.messages > 0 && r.senders.allSatisfy({ $0.messages == 0 }) {
            out.append(ReadinessFinding(
                .warning, "no source matched an approved sender's SPF pass set: run 'herald build' (pass sets are stored "
                    + "with each successful build) or approve the senders that send for \(r.domain)"))
        }
        return out.enumerated().sorted { ($0.element.severity, $0.offset) < ($1.element.severity, $1.offset) }.map(\.element)
    }

    static func senderFindings(_ r: DomainReadiness, dkimDomains: [String: [String: Int64]], days: String,
                               blocking: Bool) -> [ReadinessFinding] {
        var out: [ReadinessFinding] = []
        for s in r.senders where s.approved {
            guard s.messages > 0 else {
                if r.gate.applies, s.sender != SenderAttribution.ownKey {
                    out.append(ReadinessFinding(.info, subject: s.sender, "\(s.displayName): no messages reported over \(days)"))
                }
                continue
            }
            guard s.passRate < r.thresholds.passRate else { continue }
            var advice: [String] = []
            if s.dkimRate < r.thresholds.passRate {
                var text = "\(Format.percent(s.dkimRate)) DKIM-aligned over \(days) — sign with your own domain (DKIM d=\(r.domain))"
                if let top = dkimDomains[s.sender]?.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) {
                    text += "; signatures seen for \(top.key)"
                }
                advice.append(text)
            }
            if s.spfRate < r.thresholds.passRate {
                advice.append("\(Format.percent(s.spfRate)) SPF-aligned — use a return-path (MAIL FROM) under \(r.domain)")
            }
            let head = "\(s.displayName): \(Format.percent(s.passRate)) DMARC pass of \(Format.count(s.messages)) messages; "
            out.append(ReadinessFinding(blocking ? .blocker : .warning, subject: s.sender, head + advice.joined(separator: "; ")))
        }
        return out
    }

    static func unknownFindings(_ r: DomainReadiness) -> [ReadinessFinding] {
        var out: [ReadinessFinding] = []
        for source in r.unknownSources.prefix(5) {
            let failing = source.messages - source.dmarcPass
            if failing > 0 {
                out.append(ReadinessFinding(
                    .warning, subject: source.address,
                    "unknown source \(source.address): \(Format.count(source.messages)) messages, "
                        + (source.dmarcPass == 0 ? "failing" : "\(Format.count(failing)) failing")
                        + " — if it sends for \(r.domain), approve its sender or add its range; otherwise enforcement will stop it"))
            } else {
                out.append(ReadinessFinding(
                    .info, subject: source.address,
                    "unknown source \(source.address): \(Format.count(source.messages)) messages, passing (aligned DKIM: forwarding or an unlisted sender)"))
            }
        }
        if r.unknownSources.count > 5 {
            out.append(ReadinessFinding(.info, "\(r.unknownSources.count - 5)+ more unknown sources (see --json)"))
        }
        return out
    }
}
