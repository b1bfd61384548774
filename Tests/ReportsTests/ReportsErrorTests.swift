import Testing
@testable import Reports

@Test func unusableFileNamesPathAndReason() {
    let error = ReportsError.unusableFile(path: "a.xml.gz", reason: "larger than 10 MiB after decompression")
    #expect(error.description == "a.xml.gz: larger than 10 MiB after decompression")
}
