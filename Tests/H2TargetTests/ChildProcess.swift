import Foundation
import Synchronization

/// An external program (h2load, python3, h2stress) run to completion with a hard deadline,
/// its stdout and stderr captured whole.
///
/// Output goes to temporary files rather than pipes, so a chatty child can never block on a
/// full pipe while the test waits for it to exit. When the deadline passes the child is
/// killed with SIGKILL and ``Outcome/timedOut`` is set: a test never hangs on a child.
struct ChildProcess {
    /// How the child ended.
    struct Outcome: CustomStringConvertible {
        /// Exit status, or the signal number when it was killed.
        var status: Int32
        /// The deadline passed and the child was killed.
        var timedOut: Bool
        var stdout: String
        var stderr: String
        /// The command line, for failure messages.
        var commandLine: String

        var description: String {
            "`\(commandLine)` → status \(status)\(timedOut ? " (killed at the deadline)" : "")\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
        }
    }

    /// Runs `executable` with `arguments` and waits at most `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], timeout: Double) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = try TemporaryOutputFile()
        let err = try TemporaryOutputFile()
        process.standardOutput = out.handle
        process.standardError = err.handle
        process.standardInput = FileHandle.nullDevice

        // running → exited (termination handler) or → killed (watchdog); whichever comes first.
        let state = Mutex(ChildState.running)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { p in
                state.withLock { if $0 == .running { $0 = .exited } }
                continuation.resume(returning: p.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                // Only a child not yet reported as exited is killed, so a late watchdog never
                // signals a reused pid.
                state.withLock {
                    guard $0 == .running else { return }
                    $0 = .killed
                    kill(pid, SIGKILL)
                }
            }
        }
        let killed = state.withLock { $0 } == .killed
        return Outcome(status: status, timedOut: killed, stdout: out.contents(), stderr: err.contents(),
                       commandLine: ([executable] + arguments).joined(separator: " "))
    }
}

/// Who ended the child first.
private enum ChildState { case running, exited, killed }

/// A temporary file a child writes its output to; removed when released.
private final class TemporaryOutputFile {
    let url: URL
    let handle: FileHandle

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-child-\(UUID().uuidString).out")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
    }

    func contents() -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    deinit {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }
}
