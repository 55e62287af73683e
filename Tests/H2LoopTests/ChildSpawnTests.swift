import Glibc
import Testing
@testable import H2Loop

/// ``ChildSpawn``: exit codes, signals, the environment, process groups and spawn failures,
/// with `/bin/sh` children. Every wait is bounded by a deadline.
struct ChildSpawnTests {
    /// Polls ``ChildSpawn/reapIfExited(_:)`` until the child is reaped (at most 10 s, then SIGKILL).
    static func reap(_ pid: pid_t) -> ChildSpawn.Reaped? {
        let deadline = MonotonicClock.now() + 10_000_000_000
        while MonotonicClock.now() < deadline {
            if let reaped = ChildSpawn.reapIfExited(pid) { return reaped }
            var p = pollfd(fd: -1, events: 0, revents: 0)
            _ = poll(&p, 0, 5)   // 5 ms between polls of wait4; the deadline bounds the loop
        }
        kill(pid, SIGKILL)
        return ChildSpawn.reapIfExited(pid)
    }

    static func run(_ script: String, environment: [String]? = nil) throws -> ChildSpawn.Reaped? {
        let pid = try ChildSpawn.spawn(arguments: ["/bin/sh", "-c", script], searchPath: false, environment: environment).get()
        return reap(pid)
    }

    @Test func exitCodesAndSignalsComeBackAsTheyHappened() throws {
        #expect(try Self.run("exit 0")?.exitCode == 0)
        #expect(try Self.run("exit 3")?.exitCode == 3)
        let killed = try Self.run("kill -TERM $$")
        #expect(killed?.signal == SIGTERM && killed?.exitCode == nil)
        // CPU is measured: a busy loop shows up as user time.
        let busy = try Self.run("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done")
        #expect((busy?.userSeconds ?? 0) + (busy?.systemSeconds ?? 0) > 0.01)
    }

    @Test func theEnvironmentIsExactlyWhatWasGiven() throws {
        #expect(try Self.run("exit $H2S_CODE", environment: ["H2S_CODE=7"])?.exitCode == 7)
        #expect(try Self.run("[ -z \"$HOME\" ] && exit 9 || exit 1", environment: ["H2S_CODE=7"])?.exitCode == 9)
    }

    @Test func searchPathFindsShAndAProcessGroupIsItsOwn() throws {
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        defer { close(fds[1]) }
        // The child waits for stdin to close, so it is alive while its group is checked.
        let pid = try ChildSpawn.spawn(arguments: ["sh", "-c", "read x; exit 4"], searchPath: true, ownProcessGroup: true,
                                       fileActions: [.duplicate(fds[0], to: 0), .close(fds[0]), .close(fds[1])]).get()
        close(fds[0])
        #expect(getpgid(pid) == pid)
        #expect(getpgid(pid) != getpgid(0))
        #expect(ChildSpawn.reapIfExited(pid) == nil, "still running")
        _ = "\n".withCString { write(fds[1], $0, 1) }
        #expect(Self.reap(pid)?.exitCode == 4)
    }

    @Test func aMissingExecutableIsASpawnErrorNotACrash() {
        switch ChildSpawn.spawn(arguments: ["/nonexistent/h2stress-no-such-binary"], searchPath: false) {
        case .success(let pid):
            Issue.record("spawned \(pid)")
            _ = Self.reap(pid)
        case .failure(let error):
            #expect(error.code == ENOENT)
            #expect(error.description == "No such file or directory")
        }
        if case .success = ChildSpawn.spawn(arguments: ["h2stress-no-such-binary"], searchPath: true) {
            Issue.record("found a binary that does not exist")
        }
    }
}
