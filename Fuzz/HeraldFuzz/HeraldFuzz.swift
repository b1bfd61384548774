import HeraldFuzzHarness
#if HERALD_LIBFUZZER
import CLibFuzzer
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's per-input callback: one query through the responder (``FuzzHarness/run(_:)``).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzHarness.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// `herald-fuzz`: the responder's fuzz target.
///
/// Built two ways from this one file (SwiftPM links executables with `main` bound to the
/// module's entry point, so libFuzzer's own `main` cannot be used):
/// - `Fuzz/run.sh`: `-sanitize=fuzzer,address -DHERALD_LIBFUZZER`; `main` hands the
///   command line to `LLVMFuzzerRunDriver`, so every libFuzzer flag works.
/// - a plain `swift build`: no libFuzzer; `herald-fuzz FILE…` replays each file once
///   through the same harness (traps on a broken property) and prints how many it ran.
@main
struct HeraldFuzz {
    static func main() {
        #if HERALD_LIBFUZZER
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        #else
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = readFile(path) else {
                print("herald-fuzz: cannot read \(path)")
                exit(66)
            }
            bytes.withUnsafeBytes { FuzzHarness.run($0) }
            count += 1
        }
        print("herald-fuzz: replayed \(count) input(s) without a failure (build with Fuzz/run.sh to fuzz)")
        #endif
    }

    /// The whole file at `path`, or nil.
    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let read = fread(&chunk, 1, chunk.count, file)
            if read > 0 { bytes += chunk[0..<read] }
            if read < chunk.count { return ferror(file) == 0 ? bytes : nil }
        }
    }
}
