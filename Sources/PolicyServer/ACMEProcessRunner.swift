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
        // The watchdog runs on a Dispatch timer, not in a Swift task: a cooperative pool kept
        // busy by other work (seen in the full test suite on 2 cores) must not let a hung
        // client outlive its timeout.
        Self.watch(pid, after: Self.dispatchInterval(timeout))
        let status: Int32
        do {
            status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
                process.terminationHandler = { finished in
                    pid.exited()
                    let code = finished.terminationReason == .uncaughtSignal
                        ? 128 + finished.terminationStatus : finished.terminationStatus
                    continuation.resume(returning: code)
                }
                do {
                    try process.run()
                    pid.started(process.processIdentifier)
                } catch {
                    pid.exited()
                    continuation.resume(throwing: error)
                }
            }
        } catch {
            throw .acmeFailed(host: "-", reason: "cannot start \(executable): \(error)")
        }
        return status
    }
}

extension SubprocessACMERunner {
    /// After `delay`: SIGTERM to the child if it still runs, SIGKILL 5 s later if it still
    /// runs then. A child still starting (fork/exec under load) is waited for in 20 ms steps.
    static func watch(_ pid: ProcessIdentifier, after delay: DispatchTimeInterval) {
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
            switch pid.state {
            case .notStarted:
                watch(pid, after: .milliseconds(20))
            case .exited:
                return
            case .running(let id):
                kill(id, SIGTERM)
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(5)) {
                    if case .running(let again) = pid.state { kill(again, SIGKILL) }
                }
            }
        }
    }

    /// `duration` as a Dispatch interval (nanosecond resolution, at least 1 ns).
    static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return .nanoseconds(Int(max(1, min(nanoseconds, Int64(Int32.max) * 1_000_000_000))))
    }
}

/// The child's state, for the timeout watchdog: its pid only while it runs, so a reused pid is
/// never signalled (an exit seen before `started` wins).
final class ProcessIdentifier: Sendable {
    enum State: Sendable { case notStarted, running(Int32), exited }
    private let stored = Mutex<State>(.notStarted)
    /// The current state.
    var state: State { stored.withLock { $0 } }
    /// Records the pid after `Process.run()`, unless the child has already exited.
    func started(_ pid: Int32) {
        stored.withLock { if case .notStarted = $0 { $0 = .running(pid) } }
    }
    /// Records the exit (or a failed start).
    func exited() { stored.withLock { $0 = .exited } }
}
