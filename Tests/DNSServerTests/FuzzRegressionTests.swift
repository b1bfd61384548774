import Foundation
import HeraldFuzzHarness
import Testing

/// Every input in Fuzz/regressions (inputs that once broke the request path) and the seed
/// corpus, replayed through the fuzz harness: each must keep the harness's properties
/// (answered or dropped as RFC 1035 §4.1.1 says, decodable, sized, UDP = TCP without TC).
@Suite struct FuzzRegressionTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ folder: String) throws -> [URL] {
        let directory = fuzzDirectory.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent != "README.md" && !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func regressionsReplay() throws {
        for file in try Self.inputs("regressions") {
            let bytes = try Data(contentsOf: file)
            bytes.withUnsafeBytes { FuzzHarness.run($0) }
        }
    }

    @Test func seedCorpusReplays() throws {
        let files = try Self.inputs("corpus")
        #expect(files.count >= 60)
        for file in files {
            let bytes = try Data(contentsOf: file)
            bytes.withUnsafeBytes { FuzzHarness.run($0) }
        }
    }
}
