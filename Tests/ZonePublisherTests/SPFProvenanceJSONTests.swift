import Foundation
import Testing
@testable import ZonePublisher

/// The hand-written provenance JSON must be exactly what `JSONEncoder` (sorted keys, unescaped
/// slashes) writes, and decode back to the same value.
struct SPFProvenanceJSONTests {
    @Test func jsonTextMatchesJSONEncoderAndRoundTrips() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} slash / é ü 🙂"
        let value = SPFProvenance(
            ranges: [
                SPFRangeOrigin(network: "64.233.160.0/19", sources: ["google-workspace"],
                               upstream: ["_netblocks.google.com: ip4:64.233.160.0/19"]),
                SPFRangeOrigin(network: "2001:db8::/32", sources: ["own", "x"], upstream: [tricky, "own range"]),
                SPFRangeOrigin(network: "192.0.2.0/24", sources: [], upstream: []),
            ],
            keptIncludes: ["salesforce": ["exists:%{i}._spf.mta.salesforce.com needs the sender's address"], "b": [], "a": [tricky]])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
        #expect(value.jsonText == expected)
        let decoded = try JSONDecoder().decode(SPFProvenance.self, from: Data(value.jsonText.utf8))
        #expect(decoded == value)
        #expect(SPFProvenance.empty.jsonText == String(decoding: try encoder.encode(SPFProvenance.empty), as: UTF8.self))
    }
}
