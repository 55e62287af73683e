import Foundation
import Glibc
import H2Loop

/// A program the tests run (h2stress, h2load, python3, openssl, chromium, `/bin/sh`): the one
/// way tests start a subprocess.
///
/// Built on H2Loop's ``ChildProcess``: stdin is `/dev/null`, stdout and stderr are captured from
/// two pipes that one monitor thread reads *at the same time*, so a child that fills one pipe
/// (64 KiB) while the test waits on the other never blocks. Every wait has a deadline: at the
/// deadline the child is killed with SIGKILL (``Outcome/timedOut``), so a test never hangs on
/// a child.
///
/// Two uses: ``run(_:_:timeout:directory:environment:)`` runs a command to completion; `init`
/// starts a long-running one (`h2stress serve`) that the test watches line by line, signals and
/// awaits. The async functions block a thread of their own, never one of Swift concurrency's
/// (few, on 2 cores) cooperative threads.
///
/// Threading: `Sendable`; any method from any thread.
public final class Subprocess: Sendable {
    private let child: ChildProcess
    /// The command line, for failure messages.
    public let commandLine: String

    /// Starts `executable` with `arguments` (in `directory` when given; `environment`: exactly
    /// these variables, nil for the test process's). It is killed after `lifetime` seconds at
    /// the latest, and when this object is released.
    public init(_ executable: String, _ arguments: [String], lifetime: Double, directory: String? = nil,
                environment: [String: String]? = nil) throws {
        commandLine = ([executable] + arguments).joined(separator: " ")
        do {
            child = try ChildProcess.spawn(arguments: [executable] + arguments, environment: environment, directory: directory,
                                           stdin: .null, stdout: .capture, stderr: .capture)
        } catch {
            throw StartError(commandLine: commandLine, reason: error.description)
        }
        let child = self.child
        let deadline = Self.deadline(after: lifetime)
        // The watchdog: returns as soon as the child ends (by itself, or killed by deinit).
        Thread.detachNewThread { _ = child.wait(deadline: deadline) }
    }

    deinit {
        child.send(SIGKILL)
    }

    /// Runs `executable` with `arguments` to completion, killing it after `timeout` seconds.
    /// Blocks the calling thread; from async code use the async overload.
    public static func runBlocking(_ executable: String, _ arguments: [String], timeout: Double, directory: String? = nil,
                                   environment: [String: String]? = nil) throws -> Outcome {
        let process = try Subprocess(executable, arguments, lifetime: timeout, directory: directory, environment: environment)
        return process.outcome(waitingUntil: deadline(after: timeout))
    }

    /// Runs `executable` with `arguments` to completion, killing it after `timeout` seconds; the
    /// wait blocks a thread of its own.
    public static func run(_ executable: String, _ arguments: [String], timeout: Double, directory: String? = nil,
                           environment: [String: String]? = nil) async throws -> Outcome {
        let process = try Subprocess(executable, arguments, lifetime: timeout, directory: directory, environment: environment)
        let deadline = deadline(after: timeout)
        return await offCooperativePool { process.outcome(waitingUntil: deadline) }
    }

    /// Everything the child printed on stdout so far.
    public var stdout: String { child.standardOutputText }

    /// Everything the child printed on stderr so far.
    public var stderr: String { child.standardErrorText }

    /// The child ran into its lifetime and was killed.
    public var killedAtDeadline: Bool { child.exit?.killedAfterGrace ?? false }

    /// Sends `signal` to the child (if it still runs).
    public func send(_ signal: Int32) {
        child.send(signal)
    }

    /// The first complete stdout line (stderr line with `onStandardError`) containing `needle`;
    /// nil if none came within `timeout` seconds or the child's output ended first.
    public func line(containing needle: String, timeout: Double, onStandardError: Bool = false) async -> String? {
        let child = self.child, deadline = Self.deadline(after: timeout)
        return await Self.offCooperativePool { child.line(containing: needle, deadline: deadline, onStandardError: onStandardError) }
    }

    /// The exit status (or the signal that ended it); nil if it still ran after `timeout` seconds.
    public func exitStatus(timeout: Double) async -> Int32? {
        let child = self.child, deadline = Self.deadline(after: timeout)
        return await Self.offCooperativePool { child.waitForExit(until: deadline).map(Self.status) }
    }

    /// Waits for the end (killing the child at `deadline`) and collects it.
    private func outcome(waitingUntil deadline: UInt64) -> Outcome {
        let exit = child.wait(deadline: deadline)
        return Outcome(status: Self.status(exit), timedOut: exit.killedAfterGrace, stdout: stdout, stderr: stderr,
                       commandLine: commandLine)
    }

    /// The exit code, or the signal number when a signal ended it (-1: unknown).
    private static func status(_ exit: ChildProcess.Exit) -> Int32 { exit.exitCode ?? exit.signal ?? -1 }

    private static func deadline(after seconds: Double) -> UInt64 {
        MonotonicClock.now() + UInt64(max(0, seconds) * 1e9)
    }

    /// Runs the blocking `body` on a new thread and resumes with its result.
    private static func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
