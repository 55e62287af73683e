import Foundation
import Glibc
import Testing
@testable import H2Loop

/// ``ChildProcess``: exit codes, signals and their text, CPU time, the environment, the working
/// directory, process groups, stopping with SIGTERM then SIGKILL, captured and file output,
/// waiting for a line, and spawn failures, with `/bin/sh` children. Every wait is bounded by a
/// deadline; none of the assertions depends on how long anything took.
struct ChildProcessTests {
    /// 10 s from now, the bound of every wait.
    static var deadline: UInt64 { MonotonicClock.now() + 10_000_000_000 }

    /// Runs `script` under `/bin/sh -c` to completion (SIGKILL at the deadline).
    static func run(_ script: String, environment: [String: String]? = nil) throws -> ChildProcess.Exit {
        try ChildProcess.spawn(arguments: ["/bin/sh", "-c", script], environment: environment).wait(deadline: deadline)
    }

    @Test func exitCodesAndSignalsComeBackAsTheyHappened() throws {
        #expect(try Self.run("exit 0").exitCode == 0)
        let three = try Self.run("exit 3")
        #expect(three.exitCode == 3 && three.signal == nil && three.statusText == "exit 3" && !three.succeeded)
        let killed = try Self.run("kill -TERM $$")
        #expect(killed.signal == SIGTERM && killed.exitCode == nil)
        #expect(killed.statusText == "signal 15 (SIGTERM)")
        #expect(!killed.killedAfterGrace && killed.exitedEarly, "nobody asked it to stop")
        // CPU is measured: a busy loop shows up as user time.
        let busy = try Self.run("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done")
        #expect(busy.cpuSeconds > 0.01 && busy.succeeded)
        #expect(busy.peakRSSBytes > 0, "VmHWM sampled while it ran")
    }

    @Test func statusTextNamesCommonSignals() {
        func text(code: Int32? = nil, signal: Int32? = nil) -> String {
            ChildProcess.Exit(exitCode: code, signal: signal, userSeconds: 0, systemSeconds: 0, peakRSSBytes: 0,
                              exitedEarly: false, killedAfterGrace: false).statusText
        }
        #expect(text(code: 0) == "exit 0")
        #expect(text(signal: SIGKILL) == "signal 9 (SIGKILL)")
        #expect(text(signal: SIGSEGV) == "signal 11 (SIGSEGV)")
        #expect(text(signal: 42) == "signal 42")
        #expect(text() == "unknown")
    }

    @Test func theEnvironmentIsExactlyWhatWasGiven() throws {
        #expect(try Self.run("exit $H2S_CODE", environment: ["H2S_CODE": "7"]).exitCode == 7)
        #expect(try Self.run("[ -z \"$HOME\" ] && exit 9 || exit 1", environment: ["H2S_CODE": "7"]).exitCode == 9)
    }

    @Test func outputIsCapturedFromBothPipesOrJoinedOrWrittenToFiles() throws {
        let both = try ChildProcess.spawn(arguments: ["/bin/sh", "-c", "echo out; echo err >&2"], stdout: .capture, stderr: .capture)
        #expect(both.wait(deadline: Self.deadline).succeeded)
        #expect(both.standardOutputText == "out\n" && both.standardErrorText == "err\n")

        let joined = try ChildProcess.spawn(arguments: ["/bin/sh", "-c", "echo out; echo err >&2; echo again"],
                                            stdout: .capture, stderr: .standardOutput)
        _ = joined.wait(deadline: Self.deadline)
        #expect(joined.standardOutputText == "out\nerr\nagain\n" && joined.standardError.isEmpty)

        let folder = "/tmp/h2stress-child-\(getpid())-\(MonotonicClock.now())"
        #expect(mkdir(folder, 0o755) == 0)
        defer {
            unlink(folder + "/out")
            unlink(folder + "/err")
            rmdir(folder)
        }
        // stdin from /dev/null: `cat` sees end of file at once. Relative paths and `pwd` are
        // in `directory`; the files are opened before the child changes to it.
        let files = try ChildProcess.spawn(arguments: ["/bin/sh", "-c", "cat; pwd; echo oops >&2"], directory: folder,
                                           stdin: .null, stdout: .file(folder + "/out"), stderr: .file(folder + "/err"))
        #expect(files.wait(deadline: Self.deadline).succeeded)
        #expect(try Self.contents(folder + "/out") == folder + "\n")
        #expect(try Self.contents(folder + "/err") == "oops\n")
    }

    @Test func aLineIsFoundAsItArrivesAndNotFoundWhenOutputEnds() throws {
        // The child prints the line, then sleeps: it is still running when the line is found,
        // and stop(grace:) ends it.
        let chatty = try ChildProcess.spawn(arguments: ["/bin/sh", "-c", "echo starting; echo 'listening on 127.0.0.1:7'; exec sleep 60"],
                                            stdout: .capture, stderr: .standardOutput)
        #expect(chatty.line(containing: "listening on", deadline: Self.deadline) == "listening on 127.0.0.1:7")
        #expect(chatty.exit == nil)
        let stopped = chatty.stop(grace: 5_000_000_000)
        #expect(stopped.signal == SIGTERM && !stopped.exitedEarly && !stopped.killedAfterGrace)

        let quiet = try ChildProcess.spawn(arguments: ["/bin/sh", "-c", "echo nothing here"], stdout: .capture)
        #expect(quiet.line(containing: "listening on", deadline: Self.deadline) == nil)
        #expect(quiet.wait(deadline: Self.deadline).succeeded)
    }

    @Test func searchPathFindsShAndAProcessGroupIsItsOwnAndIsStoppedWhole() throws {
        let child = try ChildProcess.spawn(arguments: ["sh", "-c", "sleep 60 & echo started; wait"], searchPath: true,
                                           ownProcessGroup: true, stdout: .capture)
        #expect(child.line(containing: "started", deadline: Self.deadline) == "started")
        #expect(getpgid(child.pid) == child.pid)
        #expect(getpgid(child.pid) != getpgid(0))
        #expect(child.waitForExit(until: MonotonicClock.now()) == nil, "still running")
        let exit = child.stop(grace: 5_000_000_000)
        #expect(exit.signal == SIGTERM && exit.statusText == "signal 15 (SIGTERM)")
        #expect(!exit.exitedEarly && !exit.killedAfterGrace)
    }

    @Test func aChildThatIgnoresSIGTERMIsKilledAfterTheGrace() throws {
        // An ignored signal stays ignored across exec.
        let stubborn = try ChildProcess.spawn(arguments: ["/bin/sh", "-c", "trap '' TERM; echo ready; exec sleep 60"], stdout: .capture)
        #expect(stubborn.line(containing: "ready", deadline: Self.deadline) != nil)
        let exit = stubborn.stop(grace: 200_000_000)
        #expect(exit.signal == SIGKILL && exit.statusText == "signal 9 (SIGKILL)")
        #expect(exit.killedAfterGrace && !exit.exitedEarly)
    }

    @Test func aChildThatEndedBeforeStopIsNotSignalledAndExitedEarly() throws {
        let child = try ChildProcess.spawn(arguments: ["/bin/sh", "-c", "exit 5"])
        let first = try #require(child.waitForExit(until: Self.deadline))
        let stopped = child.stop(grace: 1_000_000_000)
        #expect(first == stopped)
        #expect(stopped.exitCode == 5 && stopped.exitedEarly && !stopped.killedAfterGrace)
    }

    @Test func aMissingExecutableIsASpawnErrorNotACrash() {
        #expect(throws: SpawnError(code: ENOENT)) {
            try ChildProcess.spawn(arguments: ["/nonexistent/h2stress-no-such-binary"], stdout: .capture)
        }
        #expect(SpawnError(code: ENOENT).description == "No such file or directory")
        #expect(throws: SpawnError(code: ENOENT)) {
            try ChildProcess.spawn(arguments: ["h2stress-no-such-binary"], searchPath: true)
        }
    }

    static func contents(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}
