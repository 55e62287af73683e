import Foundation
import Synchronization

/// A long-running child (`h2stress serve`) whose stdout is watched as it arrives, so a test
/// can wait for a line ("listening on …"), talk to the child, signal it and await its exit.
///
/// Every wait has a deadline, and the child is SIGKILLed after `lifetime` seconds whatever
/// happens, so a test never hangs on it.
final class BackgroundChild: Sendable {
    private struct State {
        var stdout = ""
        var exitStatus: Int32?
        var killedAtDeadline = false
        var lineWaiter: (needle: String, continuation: CheckedContinuation<String?, Never>)?
        var exitWaiter: CheckedContinuation<Int32?, Never>?
    }

    private let state = Mutex(State())
    /// Configured in `init` before the child runs; afterwards only `processIdentifier` is read.
    private let process = Process()
    private let pipe = Pipe()
    /// The command line, for failure messages.
    let commandLine: String

    /// Starts `executable`; it is killed after `lifetime` seconds at the latest.
    init(_ executable: String, _ arguments: [String], lifetime: Double) throws {
        commandLine = ([executable] + arguments).joined(separator: " ")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            if data.isEmpty { handle.readabilityHandler = nil; return }
            self.received(String(decoding: data, as: UTF8.self))
        }
        process.terminationHandler = { [weak self] p in
            self?.exited(p.terminationStatus)
        }
        try process.run()
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + lifetime) { [weak self] in
            self?.state.withLock {
                // Only a child not yet reported as exited is killed (never a reused pid).
                guard $0.exitStatus == nil else { return }
                $0.killedAtDeadline = true
                kill(pid, SIGKILL)
            }
        }
    }

    deinit {
        let pid = process.processIdentifier
        state.withLock { if $0.exitStatus == nil { kill(pid, SIGKILL) } }
    }

    /// Everything the child printed on stdout so far.
    var stdout: String { state.withLock { $0.stdout } }

    /// The child ran into its lifetime and was killed.
    var killedAtDeadline: Bool { state.withLock { $0.killedAtDeadline } }

    /// Sends `signal` to the child (if it still runs).
    func send(_ signal: Int32) {
        let pid = process.processIdentifier
        state.withLock { if $0.exitStatus == nil { kill(pid, signal) } }
    }

    /// The first stdout line containing `needle`; nil if none came within `timeout` seconds
    /// or the child exited first.
    func line(containing needle: String, timeout: Double) async -> String? {
        await withCheckedContinuation { (c: CheckedContinuation<String?, Never>) in
            let immediate: String?? = state.withLock { s in
                if let line = Self.firstLine(in: s.stdout, containing: needle) { return .some(line) }
                if s.exitStatus != nil { return .some(nil) }
                precondition(s.lineWaiter == nil, "BUG DETECTED: one line waiter at a time")
                s.lineWaiter = (needle, c)
                return .none
            }
            if let immediate { c.resume(returning: immediate); return }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
                self?.state.withLock { s in s.lineWaiter.take() }?.continuation.resume(returning: nil)
            }
        }
    }

    /// The exit status (or the signal that ended it); nil if it still ran after `timeout` seconds.
    func exitStatus(timeout: Double) async -> Int32? {
        await withCheckedContinuation { (c: CheckedContinuation<Int32?, Never>) in
            let done: Int32? = state.withLock { s in
                if let status = s.exitStatus { return status }
                precondition(s.exitWaiter == nil, "BUG DETECTED: one exit waiter at a time")
                s.exitWaiter = c
                return nil
            }
            if let done { c.resume(returning: done); return }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
                self?.state.withLock { s in s.exitWaiter.take() }?.resume(returning: nil)
            }
        }
    }

    private func received(_ text: String) {
        let resume: (CheckedContinuation<String?, Never>, String)? = state.withLock { s in
            s.stdout += text
            guard let waiter = s.lineWaiter, let line = Self.firstLine(in: s.stdout, containing: waiter.needle) else { return nil }
            s.lineWaiter = nil
            return (waiter.continuation, line)
        }
        if let (c, line) = resume { c.resume(returning: line) }
    }

    private func exited(_ status: Int32) {
        // Output written just before exit may still sit in the pipe: take it first.
        let rest = pipe.fileHandleForReading.readDataToEndOfFile()
        if !rest.isEmpty { received(String(decoding: rest, as: UTF8.self)) }
        let (lineWaiter, exitWaiter) = state.withLock { s in
            s.exitStatus = status
            return (s.lineWaiter.take(), s.exitWaiter.take())
        }
        lineWaiter?.continuation.resume(returning: nil)
        exitWaiter?.resume(returning: status)
    }

    /// A complete line (ended by a newline) containing `needle`.
    private static func firstLine(in text: String, containing needle: String) -> String? {
        guard let lastNewline = text.lastIndex(of: "\n") else { return nil }
        return text[..<lastNewline].split(separator: "\n").first { $0.contains(needle) }.map(String.init)
    }
}
