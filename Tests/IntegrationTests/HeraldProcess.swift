import Foundation
import Testing

/// Errors of the integration harness itself (not of the product under test).
struct HarnessError: Error, CustomStringConvertible {
    /// What went wrong, naming the file, command or value.
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where the repository and the built `herald` binary are.
enum Repository {
    /// The package root: the nearest directory above this source file holding `Package.swift`.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
    }()

    /// `.build/debug/herald` under the package root.
    static var heraldBinary: String { root + "/.build/debug/herald" }

    /// The ESP snapshot fixture the offline builds read.
    static var snapshotZone: String { root + "/Zones/esp-snapshot.zone" }

    /// The checked-in golden zone of the demo inventory.
    static var goldenDemoZone: String { root + "/Tests/IntegrationTests/Golden/demo.zone" }

    /// The binary's path, or a failure that says how to get it.
    static func requireHerald() throws -> String {
        let path = heraldBinary
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("herald binary missing at \(path): run `swift build --build-tests` in \(root) first")
        }
        return path
    }
}

/// One private Herald installation for one test: a temporary directory holding the SQLite
/// inventory, certificates and scratch files, and a way to run the `herald` CLI against it.
final class HeraldProcess: Sendable {
    /// The temporary directory (removed by ``remove()``).
    let directory: String
    /// The inventory file (`HERALD_DB`).
    let database: String
    /// The `herald` binary.
    let binary: String

    /// Creates the temporary directory; fails when the binary has not been built.
    init() throws {
        binary = try Repository.requireHerald()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        directory = url.path
        database = url.appendingPathComponent("herald.sqlite").path
    }

    /// Deletes the temporary directory.
    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs `herald arguments…` with `HERALD_DB` set, from the repository root.
    func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> CommandResult {
        try await ExternalCommand.run(
            binary, arguments, environment: ["HERALD_DB": database, "HERALD_ACTOR": "integration-test"],
            directory: Repository.root, timeout: timeout)
    }

    /// Runs `herald arguments…` and requires exit status 0.
    @discardableResult
    func require(_ arguments: String...) async throws -> CommandResult {
        let result = try await run(arguments)
        guard result.succeeded else { throw HarnessError("herald command failed: \(result)") }
        return result
    }

    /// Creates the demo inventory with `scripts/demo-inventory.sh` (three customers).
    func createDemoInventory() async throws {
        let result = try await ExternalCommand.run(
            "bash", [Repository.root + "/scripts/demo-inventory.sh", binary, database],
            environment: ["HERALD_ACTOR": "integration-test"], directory: Repository.root)
        guard result.succeeded else { throw HarnessError("demo inventory not created: \(result)") }
    }

    /// `herald build --offline-zone Zones/esp-snapshot.zone`; requires success (status 0).
    @discardableResult
    func buildOffline(zone: String = Repository.snapshotZone) async throws -> CommandResult {
        let result = try await run(["build", "--offline-zone", zone])
        guard result.succeeded else { throw HarnessError("offline build failed: \(result)") }
        return result
    }

    /// The demo inventory, built: the starting point of most tests.
    func createBuiltDemo() async throws {
        try await createDemoInventory()
        try await buildOffline()
    }

    /// Starts `herald serve` on kernel-chosen ports and waits (bounded poll) for its ready file.
    func startServer() async throws -> HeraldServer {
        let ready = directory + "/ready.json"
        try? FileManager.default.removeItem(atPath: ready)
        let log = directory + "/serve.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "serve", "--dns", "127.0.0.1:0", "--https", "127.0.0.1:0",
            "--cert-dir", directory + "/certs", "--self-signed", "--ready-file", ready, "--log-level", "warning",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["HERALD_DB": database]) { _, new in new }
        process.currentDirectoryURL = URL(fileURLWithPath: Repository.root)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        let server = HeraldServer(process: process, logPath: log)

        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let data = FileManager.default.contents(atPath: ready),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let dns = object["dns_port"] as? Int, let https = object["https_port"] as? Int {
                server.setPorts(dns: dns, https: https)
                return server
            }
            if !process.isRunning {
                let text = server.log()
                throw HarnessError("herald serve exited with status \(process.terminationStatus) before it was ready:\n\(text)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        await server.stop()
        throw HarnessError("herald serve wrote no ready file within 20 s:\n\(server.log())")
    }

    /// Starts the server, runs `body`, and stops the server afterwards, also when `body` throws.
    func withServer<T>(_ body: (HeraldServer) async throws -> T) async throws -> T {
        let server = try await startServer()
        do {
            let value = try await body(server)
            await server.stop()
            return value
        } catch {
            await server.stop()
            throw error
        }
    }
}

/// A running `herald serve` child process.
final class HeraldServer: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var ports: (dns: Int, https: Int) = (0, 0)
    /// Where the server's stdout and stderr go.
    let logPath: String

    init(process: Process, logPath: String) {
        self.process = process
        self.logPath = logPath
    }

    fileprivate func setPorts(dns: Int, https: Int) { lock.withLock { ports = (dns, https) } }

    /// The bound DNS port (UDP and TCP).
    var dnsPort: Int { lock.withLock { ports.dns } }
    /// The bound HTTPS port.
    var httpsPort: Int { lock.withLock { ports.https } }
    /// Whether the child is still alive.
    var isRunning: Bool { process.isRunning }

    /// What the server logged so far.
    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, then up to 10 s (bounded poll) for a graceful exit, then SIGKILL.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs `body` with a fresh ``HeraldProcess`` and removes its directory afterwards.
func withHerald<T>(_ body: (HeraldProcess) async throws -> T) async throws -> T {
    let herald = try HeraldProcess()
    defer { herald.remove() }
    return try await body(herald)
}

/// Runs `body` against a served, built demo inventory; the server is always stopped.
func withServedDemo<T>(_ body: (HeraldProcess, HeraldServer) async throws -> T) async throws -> T {
    try await withHerald { herald in
        try await herald.createBuiltDemo()
        return try await herald.withServer { server in try await body(herald, server) }
    }
}
