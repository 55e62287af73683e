import Glibc

extension ChildProcess {
    /// What the monitor thread learns and the callers read, guarded by ``ChildProcess/shared``.
    struct State: Sendable {
        /// Captured standard output and standard error, index 0 and 1.
        var captured: [[UInt8]] = [[], []]
        /// Whether more may still arrive on each captured stream (its pipe is open and the
        /// output not yet final).
        var capturing: [Bool]
        /// Largest `VmHWM` sampled.
        var peakRSSBytes = 0
        /// The end, set under the lock by the very `wait4` call that reaped the child: from then
        /// on the pid may be reused and no signal is sent.
        var reaped: Exit?
        /// The output after the reaping has been read too; ``ChildProcess/exit`` is published.
        var finished = false
        /// ``ChildProcess/stop(grace:)`` was called.
        var stopRequested = false
        /// SIGKILL was sent because the child outlived its grace or deadline.
        var killedAfterGrace = false

        /// The end as callers see it, once published.
        var exit: Exit? {
            guard finished, var end = reaped else { return nil }
            end.peakRSSBytes = peakRSSBytes
            end.killedAfterGrace = killedAfterGrace
            return end
        }
    }

    /// Interval of the monitor: longest wait for output between two `VmHWM` samples and
    /// `wait4(WNOHANG)` polls.
    static let monitorIntervalMilliseconds: Int32 = 20
    /// Longest the monitor keeps reading output once the child has been reaped (a grandchild
    /// that inherited the pipe may keep writing to it).
    static let drainNanoseconds: UInt64 = 1_000_000_000

    /// The monitor thread's body: samples `VmHWM` and polls `wait4` at once and then at least
    /// every 20 ms, reads the captured pipes `readEnds` (index 0 stdout, 1 stderr; -1 when not
    /// captured) as output arrives, and once the child is reaped reads what is left in the
    /// pipes (≤ 1 s), closes them and publishes the end. The only reader of the pipes and the
    /// only caller of `wait4` for `pid`. Bounded: it returns once the child has ended, which the
    /// owner's deinit ensures (SIGKILL).
    static func monitor(pid: pid_t, readEnds: [Int32], shared: ConditionLock<State>) {
        var open = readEnds
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let rss = ProcessUsage.peakRSSBytes(ofProcess: pid)
            let ended = shared.withLock { s -> Bool in
                s.peakRSSBytes = max(s.peakRSSBytes, rss)
                s.reaped = reapIfExited(pid, exitedEarly: !s.stopRequested)
                return s.reaped != nil
            }
            if ended { break }
            var fds = open.filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), monitorIntervalMilliseconds)
            collect(from: &open, into: &buffer, shared: shared)
        }
        // Whatever the child wrote before it ended is in the pipes now.
        let drainUntil = MonotonicClock.now() + drainNanoseconds
        while open.contains(where: { $0 >= 0 }) && MonotonicClock.now() < drainUntil {
            if !collect(from: &open, into: &buffer, shared: shared) { break }
        }
        for fd in open where fd >= 0 { close(fd) }
        shared.update { s in
            s.capturing = [false, false]
            s.finished = true
        }
    }

    /// Reads what is available now on each open pipe (non-blocking, ≤ 1 MiB per pipe) into the
    /// shared buffers and wakes waiters; a pipe at end of file is closed and set to -1.
    /// Returns whether anything was read.
    @discardableResult
    private static func collect(from open: inout [Int32], into buffer: inout [UInt8], shared: ConditionLock<State>) -> Bool {
        var chunks: [[UInt8]] = [[], []]
        var closed = false
        for index in open.indices where open[index] >= 0 {
            while chunks[index].count < 1 << 20 {
                let n = buffer.withUnsafeMutableBytes { read(open[index], $0.baseAddress, $0.count) }
                if n > 0 {
                    chunks[index].append(contentsOf: buffer[0..<n])
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                        close(open[index])
                        open[index] = -1
                        closed = true
                    }
                    break
                }
            }
        }
        let got = chunks.contains { !$0.isEmpty }
        if got || closed {
            shared.update { s in
                for index in chunks.indices {
                    s.captured[index] += chunks[index]
                    if open[index] < 0 { s.capturing[index] = false }
                }
            }
        }
        return got
    }
}
