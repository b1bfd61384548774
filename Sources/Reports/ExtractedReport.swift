/// A report found in an input file: a DMARC aggregate report or a TLS report.
public enum ExtractedReport: Sendable, Equatable {
    /// RFC 7489 Appendix C / RFC 9990 aggregate report.
    case aggregate(AggregateReport)
    /// RFC 8460 TLS report.
    case tls(TLSReport)
}
