import Foundation
import Synchronization

/// Runs the ACME client (`lego`) as a subprocess. A protocol so tests substitute a fake that
/// writes certificate files without a CA.
public protocol ACMEProcessRunner: Sendable {
    /// Runs `executable` with `arguments`, the current environment plus `environment`, standard
    /// input closed, standard output and error written to the file `logPath` (replaced).
    /// - Parameter timeout: the process is killed (SIGTERM, then SIGKILL) after this long.
    /// - Returns: the exit status (128 + signal number when killed by a signal).
    /// - Throws: ``PolicyServerError/acmeFailed(host:reason:)`` when the process cannot start.
    func run(executable: String, arguments: [String], environment: [String: String],
             logPath: String, timeout: Duration) async throws(PolicyServerError) -> Int32
}

/// The real runner: Foundation `Process`, waited for without blocking the cooperative pool.
public struct SubprocessACMERunner: ACMEProcessRunner {
    /// A runner.
    public init() {}

    public func run(executable: String, arguments: [String], environment: [String: String],
                    logPath: String, timeout: Duration) async throws(PolicyServerError) -> Int32 {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        }
        process.arguments = executable.contains("/") ? arguments : [executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        do {
            try FileManager.default.createDirectory(
                atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw .acmeFailed(host: "-", reason: "cannot create \(logPath): \(error)")
        }
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
              let log = FileHandle(forWritingAtPath: logPath) else {
            throw .acmeFailed(host: "-", reason: "cannot write \(logPath)")
        }
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        let pid = ProcessIdentifier()
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            guard let id = pid.value else { return }
            kill(id, SIGTERM)
            try await Task.sleep(for: .seconds(5))
            kill(id, SIGKILL)
        }
        defer { watchdog.cancel() }
        let status: Int32
        do {
            status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
                process.terminationHandler = { finished in
                    pid.value = nil
                    let code = finished.terminationReason == .uncaughtSignal
                        ? 128 + finished.terminationStatus : finished.terminationStatus
                    continuation.resume(returning: code)
                }
                do {
                    try process.run()
                    pid.value = process.processIdentifier
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } catch {
            throw .acmeFailed(host: "-", reason: "cannot start \(executable): \(error)")
        }
        return status
    }
}

/// The pid of the running child, for the timeout watchdog (cleared once it has exited, so a
/// reused pid is never signalled).
private final class ProcessIdentifier: Sendable {
    private let stored = Mutex<Int32?>(nil)
    /// The pid, or `nil` before start and after exit.
    var value: Int32? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
