import Foundation
import Testing

/// What a finished child process left behind: its exit status and everything it wrote.
struct CommandResult: Sendable, CustomStringConvertible {
    /// The command line, for failure messages.
    var commandLine: String
    /// The exit status (or the signal number when `terminatedBySignal`).
    var status: Int32
    /// `true` when the process was ended by a signal (for example the timeout's SIGKILL).
    var terminatedBySignal: Bool
    /// Standard output, raw.
    var stdoutBytes: [UInt8]
    /// Standard error, raw.
    var stderrBytes: [UInt8]

    /// Standard output as UTF-8 text.
    var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    /// Standard error as UTF-8 text.
    var stderr: String { String(decoding: stderrBytes, as: UTF8.self) }
    /// Exit status 0 and not killed.
    var succeeded: Bool { status == 0 && !terminatedBySignal }

    var description: String {
        "`\(commandLine)` → status \(status)\(terminatedBySignal ? " (signal)" : "")\n--- stdout ---\n\(stdout.prefix(4000))\n--- stderr ---\n\(stderr.prefix(4000))"
    }
}

/// Runs child processes without blocking the cooperative thread pool.
///
/// Output goes to files (never pipes), so a chatty child can never deadlock on a full pipe.
/// A program name without `/` is looked up in `PATH` through `/usr/bin/env`, so pyenv shims and
/// the like behave as they do in a shell.
enum ExternalCommand {
    /// Runs `program arguments…` and waits for it to exit.
    ///
    /// - Parameters:
    ///   - environment: added to (and overriding) this process's environment.
    ///   - directory: working directory (default: the current one).
    ///   - timeout: after this the child gets SIGKILL and the result says `terminatedBySignal`.
    /// - Throws: when the program cannot be started.
    static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:],
        directory: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> CommandResult {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err

        let started = AsyncStream<Int32>.makeStream()
        // Watchdog: a hung child must not hang the test run. Cancelled as soon as the child exits.
        let watchdog = Task.detached {
            var pids = started.stream.makeAsyncIterator()
            guard let pid = await pids.next() else { return }
            try await Task.sleep(for: timeout)
            if process.isRunning { kill(pid, SIGKILL) }
        }
        defer { watchdog.cancel() }
        let (status, reason): (Int32, Process.TerminationReason) = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { p in continuation.resume(returning: (p.terminationStatus, p.terminationReason)) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            started.continuation.yield(process.processIdentifier)
        }
        started.continuation.finish()
        try? out.close()
        try? err.close()
        return CommandResult(
            commandLine: ([program] + arguments).joined(separator: " "),
            status: status,
            terminatedBySignal: reason == .uncaughtSignal,
            stdoutBytes: [UInt8]((try? Data(contentsOf: outURL)) ?? Data()),
            stderrBytes: [UInt8]((try? Data(contentsOf: errURL)) ?? Data()))
    }
}
