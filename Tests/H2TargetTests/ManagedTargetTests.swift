import Foundation
import Testing
import H2Loop
import H2Target
import H2Profile

/// The managed-target lifecycle against small python3 programs: substitution into arguments and
/// env, readiness by TCP connect, SIGTERM then SIGKILL, CPU/RSS/exit recorded, output files,
/// and every way a start can fail. The launcher is driven directly (no load), so each test
/// takes well under a second plus its own grace periods.
@Suite("managed target lifecycle", .serialized,
       .disabled(if: !InteropEnvironment.isCI && InteropEnvironment.python3 == nil, "python3 not found (run scripts/setup.sh)"))
struct ManagedTargetTests {
    /// Listens on argv[1], prints its arguments and GOMAXPROCS, optionally ignores SIGTERM.
    static let listener = """
        import os, signal, socket, sys, time
        if 'ignore-term' in sys.argv: signal.signal(signal.SIGTERM, signal.SIG_IGN)
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(16)
        print('args', sys.argv[1:], 'GOMAXPROCS=' + os.environ.get('GOMAXPROCS', '?'), flush=True)
        ballast = bytearray(8 << 20)
        while True: time.sleep(1)
        """

    /// A temporary run folder, removed by the caller.
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-managed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The first cell of a profile whose target is `target` (YAML lines, indented by 2).
    static func cell(target: String, extra: String = "") throws -> Cell {
        let yaml = """
            name: managed
            target:
            \(target)
            duration: 1s
            mix: [{http.get: {size: 1KiB}}]
            \(extra)
            """
        return try #require(try ProfileLoader.parse(yaml: yaml, file: "managed.yaml").cells.first)
    }

    static var python3: String { InteropEnvironment.python3 ?? "python3" }

    @Test("arguments and env are substituted per cell; ready on connect; SIGTERM stops it; CPU, RSS, exit and stdout recorded")
    func substitutesStartsAndStops() throws {
        let cell = try Self.cell(target: """
              command: [\(Self.python3), "-c", \(ManagedTargetRun.quoted(Self.listener)), "{port}", "{variant}", "{threads}", "{driverThreads}", "{server.streamWindow}", "lit{{x}}"]
              env: {GOMAXPROCS: "{threads}"}
            """, extra: "threads: 2\nserver: {threads: 3, streamWindow: 1MiB}")
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let target = try ManagedTargetLauncher(runDirectory: folder).launch(for: cell)
        var connected = try TCPSocket.connect(host: target.address.host, port: target.address.port, rxTimestamps: false)
        connected.close()
        let observation = try #require(target.stop())
        let process = try #require(observation.process)

        #expect(target.stampsBodies == false)
        #expect(process.exitStatus == "signal 15 (SIGTERM)")
        #expect(process.signal == 15 && process.exitCode == nil)
        #expect(!process.exitedEarly && !process.killedAfterGrace)
        #expect((process.readySeconds ?? 0) > 0 && (process.readySeconds ?? 99) < 10)
        #expect(process.cpuSeconds > 0, "a python start costs CPU time")
        #expect(process.peakRSSBytes > 8 << 20, "the 8 MiB ballast is resident")
        #expect(process.stdoutFile == "targets/default_t2_s3_r1.stdout")
        let stdout = try String(contentsOfFile: folder + "/" + process.stdoutFile, encoding: .utf8)
        #expect(stdout == "args ['\(target.address.port)', 'default', '3', '2', '1048576', 'lit{x}'] GOMAXPROCS=3\n")
        // The cell records what it started: the substituted command and env, and the port.
        #expect(process.command == [Self.python3, "-c", Self.listener, String(target.address.port), "default", "3", "2", "1048576", "lit{x}"])
        #expect(process.env == ["GOMAXPROCS": "3"])
        #expect(process.port == Int(target.address.port))
        #expect(FileManager.default.fileExists(atPath: folder + "/" + process.stderrFile))
    }

    @Test("a target that ignores SIGTERM is killed with SIGKILL after the grace period")
    func killedAfterGrace() throws {
        let cell = try Self.cell(target: """
              command: [\(Self.python3), "-c", \(ManagedTargetRun.quoted(Self.listener)), "{port}", "ignore-term"]
              stop: {grace: 300ms}
            """)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = try ManagedTargetLauncher(runDirectory: folder).launch(for: cell)
        let before = MonotonicClock.now()
        let process = try #require(target.stop()?.process)
        let seconds = Double(MonotonicClock.now() - before) / 1e9
        #expect(process.exitStatus == "signal 9 (SIGKILL)")
        #expect(process.killedAfterGrace)
        #expect(seconds >= 0.3 && seconds < 5, "stopped after \(seconds) s")
    }

    @Test("a target that exits before it is ready fails the launch with its exit status and stderr tail")
    func exitsBeforeReady() throws {
        let cell = try Self.cell(target: """
              command: [\(Self.python3), "-c", "import sys; print('boom: no config file', file=sys.stderr); sys.exit(7)", "{port}"]
            """)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            _ = try ManagedTargetLauncher(runDirectory: folder).launch(for: cell)
            Issue.record("launch succeeded")
        } catch {
            #expect(error.message.contains("ended (exit 7) before port"), "\(error)")
            #expect(error.message.contains("boom: no config file"), "\(error)")
            #expect(error.process?.exitCode == 7)
            #expect(error.process?.exitedEarly == true)
            #expect(error.process?.readySeconds == nil)
            #expect(error.process?.command?.first == Self.python3 && error.process?.port != nil, "the cell still says what was started")
        }
    }

    @Test("a target that never listens is stopped at ready.timeout")
    func neverReady() throws {
        let cell = try Self.cell(target: """
              command: [\(Self.python3), "-c", "import time; print('warming up', flush=True); time.sleep(60)", "{port}"]
              ready: {timeout: 500ms}
              stop: {grace: 1s}
            """)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let before = MonotonicClock.now()
        do {
            _ = try ManagedTargetLauncher(runDirectory: folder).launch(for: cell)
            Issue.record("launch succeeded")
        } catch {
            let seconds = Double(MonotonicClock.now() - before) / 1e9
            #expect(error.message.contains("did not accept connections on 127.0.0.1:"), "\(error)")
            #expect(error.message.contains("within 500ms"), "\(error)")
            #expect(error.process?.exitStatus == "signal 15 (SIGTERM)")
            #expect(seconds >= 0.5 && seconds < 5, "gave up after \(seconds) s")
        }
    }

    @Test("a ready.port that something else already listens on is refused before starting")
    func portAlreadyTaken() throws {
        var (listener, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0, backlog: 4)
        defer { listener.close() }
        let cell = try Self.cell(target: """
              command: [\(Self.python3), "-c", "raise SystemExit(1)"]
              ready: {port: \(port)}
            """)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            _ = try ManagedTargetLauncher(runDirectory: folder).launch(for: cell)
        } throws: { error in
            (error as? TargetError)?.message.contains("port \(port) on 127.0.0.1 already accepts connections") == true
        }
    }

    @Test("a program that does not exist fails with a message saying so")
    func missingProgram() throws {
        let cell = try Self.cell(target: """
              command: ["h2stress-test-no-such-program", "{port}"]
            """)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            _ = try ManagedTargetLauncher(runDirectory: folder).launch(for: cell)
        } throws: { error in
            let message = (error as? TargetError)?.message ?? ""
            return message.contains("cannot start `h2stress-test-no-such-program`") && message.contains("not found")
        }
    }

    @Test("in a run, a target that cannot start is recorded in its cell and the next cell still runs")
    func runGoesOnAfterAFailedStart() throws {
        let yaml = """
            name: managed
            target:
              command: [\(Self.python3), "-c", "import sys; print('cannot bind', file=sys.stderr); sys.exit(5)", "{port}"]
            duration: 1s
            mix: [{http.get: {size: 1KiB}}]
            sweep: {repeats: 2}
            """
        let run = try ManagedTargetRun.run(yaml: yaml)
        #expect(run.result.cells.count == 2)
        for cell in run.result.cells {
            #expect(cell.streamsStarted == 0)
            #expect(cell.connectionErrors.first?.contains("target could not be started") == true, "\(cell.connectionErrors)")
            #expect(cell.connectionErrors.first?.contains("cannot bind") == true, "\(cell.connectionErrors)")
            #expect(cell.target?.exitCode == 5)
            #expect(cell.notes.contains { $0.hasPrefix("target process:") }, "\(cell.notes)")
        }
        #expect(run.targetFiles["targets/default_t1_s1_r2.stderr"] == "cannot bind\n")
    }
}
