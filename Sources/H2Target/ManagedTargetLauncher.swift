import Foundation
import Glibc
import H2Loop
import H2Profile
import H2Results

/// Starts a cell's managed target (`target: {command: […]}`) before the cell and stops it after.
///
/// Per cell: picks the port (`ready.port`, or a free loopback port passed as `{port}`), checks
/// that nothing else already answers there, substitutes the cell's values into the command and
/// env (``TargetCommandTemplate``), starts the process with stdout and stderr going to
/// `<runDirectory>/targets/<cell>.stdout|.stderr`, and polls a TCP connect to
/// `127.0.0.1:<port>` every 20 ms until it succeeds, the process exits (→ ``TargetError`` with
/// the exit status and the tail of its stderr) or `ready.timeout` passes (→ stopped, error).
/// Stopping sends SIGTERM to the process group and SIGKILL after `stop.grace`; the cell gets the
/// process's CPU time, peak RSS and exit status (``TargetProcessResult``).
///
/// The spec is read from each cell's resolved profile, so variants may change the command or
/// its env. Threading: `launch` and the returned `stop` may run on any thread.
public struct ManagedTargetLauncher: TargetLauncher {
    /// The run folder; the target's output goes to its `targets/` subfolder.
    public var runDirectory: String
    /// Poll interval of the readiness probe (the process's monitor polls every 20 ms too,
    /// ``ChildProcess``).
    static let pollMicroseconds: UInt32 = 20_000

    /// A launcher writing target output under `runDirectory/targets/`.
    public init(runDirectory: String) { self.runDirectory = runDirectory }

    public func launch(for cell: Cell) throws(TargetError) -> LaunchedTarget {
        guard case .command(let spec) = cell.profile.target else {
            throw TargetError("cell \(cell.id): the profile's target is a `command`, but this variant's target is not; a variant may change a command target's settings, not its kind")
        }
        let port: UInt16
        if let fixed = spec.readyPort {
            port = UInt16(fixed)
        } else {
            port = try Self.freePort()
        }
        if Self.accepts(port: port) {
            throw TargetError("port \(port) on 127.0.0.1 already accepts connections before the target was started; stop whatever listens there (a target left over from an earlier run?) or choose another `ready.port`")
        }
        let values = TargetCommandTemplate.values(for: cell, port: Int(port))
        let arguments = spec.command.map { TargetCommandTemplate.render($0, values: values) }
        let environment = spec.env.mapValues { TargetCommandTemplate.render($0, values: values) }

        let folder = runDirectory + "/targets"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw TargetError("cannot create \(folder) for the target's output: \(error.localizedDescription)")
        }
        let stem = TargetCommandTemplate.fileStem(cellID: cell.id)
        let stdoutFile = "targets/\(stem).stdout", stderrFile = "targets/\(stem).stderr"
        let stderrPath = runDirectory + "/" + stderrFile
        let commandText = TargetCommandTemplate.commandLine(arguments)

        let started = MonotonicClock.now()
        let process = try Self.spawn(arguments: arguments, environment: environment,
                                     stdoutPath: runDirectory + "/" + stdoutFile, stderrPath: stderrPath)
        let grace = spec.stopGrace.nanoseconds
        let result: @Sendable (ChildProcess.Exit, UInt64?) -> TargetProcessResult = { exit, ready in
            TargetProcessResult(
                userSeconds: exit.userSeconds, systemSeconds: exit.systemSeconds, peakRSSBytes: exit.peakRSSBytes,
                exitStatus: exit.statusText, exitCode: exit.exitCode.map(Int.init), signal: exit.signal.map(Int.init),
                exitedEarly: exit.exitedEarly, killedAfterGrace: exit.killedAfterGrace,
                readySeconds: ready.map { Double($0 - started) / 1e9 }, stdoutFile: stdoutFile, stderrFile: stderrFile,
                command: arguments, env: environment, port: Int(port))
        }

        let deadline = started + spec.readyTimeout.nanoseconds
        var readyAt: UInt64?
        while readyAt == nil {
            if let exit = process.exit {
                throw TargetError("the target `\(commandText)` ended (\(exit.statusText)) before port \(port) accepted connections\(Self.tail(of: stderrPath))",
                                  process: result(exit, nil))
            }
            if Self.accepts(port: port) {
                readyAt = MonotonicClock.now()
            } else if MonotonicClock.now() >= deadline {
                let exit = process.stop(grace: grace)
                throw TargetError("the target `\(commandText)` did not accept connections on 127.0.0.1:\(port) within \(spec.readyTimeout) (`target.ready.timeout`); it was stopped (\(exit.statusText))\(Self.tail(of: stderrPath))",
                                  process: result(exit, nil))
            } else {
                usleep(Self.pollMicroseconds)
            }
        }
        let ready = readyAt
        return LaunchedTarget(
            address: TargetAddress(host: "127.0.0.1", port: port),
            description: "command `\(commandText)` on 127.0.0.1:\(port)",
            stampsBodies: false,
            stop: { TargetObservation(process: result(process.stop(grace: grace), ready)) })
    }

    /// Starts the target: `arguments[0]` looked up on `PATH`, the harness's environment plus
    /// `environment`, stdin from `/dev/null`, stdout and stderr into the given files (created or
    /// truncated), in a process group of its own so that stopping it reaches whatever it starts.
    /// Other descriptors do not leak into it: H2Loop opens every socket, epoll, eventfd, timerfd
    /// and pipe with CLOEXEC.
    static func spawn(arguments: [String], environment: [String: String], stdoutPath: String,
                      stderrPath: String) throws(TargetError) -> ChildProcess {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        do {
            return try ChildProcess.spawn(arguments: arguments, searchPath: true, environment: env, ownProcessGroup: true,
                                          stdin: .null, stdout: .file(stdoutPath), stderr: .file(stderrPath))
        } catch {
            let hint = error.code == ENOENT ? " (not found: is it installed, and on PATH or given with its path?)" : ""
            throw TargetError("cannot start `\(arguments[0])`: \(error)\(hint)")
        }
    }

    /// A port that was free on 127.0.0.1 a moment ago (bound to port 0, then closed).
    static func freePort() throws(TargetError) -> UInt16 {
        do {
            var (socket, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0, backlog: 1)
            socket.close()
            return port
        } catch {
            throw TargetError("cannot find a free port on 127.0.0.1 for the target: \(error)")
        }
    }

    /// Whether a TCP connect to 127.0.0.1:`port` succeeds now (loopback: answered at once).
    static func accepts(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }

    /// "; its stderr ended with: …" (the last ≤ 10 lines / 2 KiB of the file), or "".
    static func tail(of path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 2048 ? size - 2048 : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(10)
        guard !lines.isEmpty else { return "; its stderr was empty" }
        return "; its stderr ended with:\n" + lines.joined(separator: "\n")
    }
}
