import Glibc
import H2TestSupport
import Testing

/// ``Subprocess``, the tests' one way to run a program: it reads stdout and stderr at the same
/// time, so a child that fills one pipe while nothing reads the other cannot deadlock it, and
/// it kills a child that outlives its timeout instead of hanging.
struct SubprocessTests {
    /// 256 KiB on stderr (four times a Linux pipe's 64 KiB) *before* anything on stdout: a
    /// helper that read stdout to its end first would wait forever, the child blocked in a
    /// write to the full stderr pipe. Both outputs arrive whole, well within the timeout.
    @Test func aChildWritingMuchToStderrBeforeStdoutCompletesWithBothOutputsWhole() throws {
        let kib = 256
        // 1 KiB lines: 1023 × "e" + newline on stderr, then the same with "o" on stdout.
        let script = """
            line=$(printf '%01023d' 0 | tr 0 e); i=0; while [ $i -lt \(kib) ]; do echo "$line" >&2; i=$((i+1)); done
            line=$(printf '%01023d' 0 | tr 0 o); i=0; while [ $i -lt \(kib) ]; do echo "$line"; i=$((i+1)); done
            """
        let outcome = try Subprocess.runBlocking("/bin/sh", ["-c", script], timeout: 60)
        #expect(!outcome.timedOut, "the child did not finish within 60 s: \(outcome.commandLine)")
        #expect(outcome.status == 0)
        #expect(outcome.stderr.utf8.count == kib * 1024)
        #expect(outcome.stdout.utf8.count == kib * 1024)
        #expect(outcome.stderr == String(repeating: String(repeating: "e", count: 1023) + "\n", count: kib))
        #expect(outcome.stdout == String(repeating: String(repeating: "o", count: 1023) + "\n", count: kib))
    }

    /// The same from async code (the wait runs on a thread of its own).
    @Test func theAsyncRunReadsBothPipesToo() async throws {
        let outcome = try await Subprocess.run("/bin/sh", ["-c", "head -c 300000 /dev/zero >&2; echo done"], timeout: 60)
        #expect(!outcome.timedOut && outcome.status == 0)
        #expect(outcome.stderr.utf8.count == 300_000 && outcome.stdout == "done\n")
    }

    /// A child that would run for a minute is killed at the timeout and reported as such.
    @Test func aChildPastItsTimeoutIsKilledNotWaitedFor() throws {
        let outcome = try Subprocess.runBlocking("/bin/sh", ["-c", "echo begun; exec sleep 60"], timeout: 0.5)
        #expect(outcome.timedOut)
        #expect(outcome.status == 9, "SIGKILL")
        #expect(outcome.stdout == "begun\n")
    }

    /// A long-running child: wait for its line, signal it, await its exit.
    @Test func aBackgroundChildIsWatchedSignalledAndAwaited() async throws {
        let child = try Subprocess("/bin/sh", ["-c", "trap 'echo bye; exit 0' INT; echo 'listening on 127.0.0.1:9'; while :; do sleep 1; done"],
                                   lifetime: 60)
        let line = await child.line(containing: "listening on", timeout: 20)
        #expect(line == "listening on 127.0.0.1:9")
        child.send(SIGINT)
        #expect(await child.exitStatus(timeout: 20) == 0)
        #expect(child.stdout.hasSuffix("bye\n") && !child.killedAtDeadline)
    }

    @Test func aMissingExecutableThrowsWithTheCommandLine() {
        let error = #expect(throws: Subprocess.StartError.self) {
            try Subprocess.runBlocking("/nonexistent/h2stress-nothing", ["x"], timeout: 5)
        }
        #expect(error?.description == "cannot start `/nonexistent/h2stress-nothing x`: No such file or directory")
    }
}
