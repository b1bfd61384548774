import Foundation
import Testing

/// `herald --version` names the release on standard output and exits 0 (the benchmark log and
/// operators' bug reports quote it).
@Suite struct VersionTests {
    @Test func versionIsPrinted() async throws {
        let herald = try HeraldProcess()
        defer { herald.remove() }
        let result = try await herald.run(["--version"])
        #expect(result.succeeded, "\(result)")
        let printed = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(printed.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+/) != nil, "herald --version printed '\(result.stdout)'")
    }
}
