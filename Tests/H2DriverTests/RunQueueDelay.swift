import Foundation
import Glibc
import H2Loop
import Synchronization

/// Watches one thread of this process (by name) and reports how long it waited on a run
/// queue for a CPU (`/proc/self/task/<tid>/schedstat`, second field, ns) — to tell an idle
/// machine from a contended one in timing tests — plus the CPU time the hypervisor stole from
/// this guest meanwhile (`/proc/stat`, `steal`, all CPUs), which the thread's own statistics
/// cannot see.
///
/// Threading: ``watch(threadName:)`` starts a sampling thread (every 5 ms, so up to the last
/// 5 ms of the watched thread's life can be missed, and a thread that lives under 5 ms may
/// not be seen at all); ``finish()`` stops and joins it.
struct RunQueueDelay {
    /// Stop flag shared with the sampling thread.
    private final class Flag: Sendable {
        let stop = Atomic<Bool>(false)
    }

    private let flag: Flag
    private let sampler: WorkerThread<UInt64?>
    private let stealAtStart: UInt64?

    /// Starts sampling the thread called `threadName` (as in `/proc/self/task/*/comm`).
    static func watch(threadName: String) -> RunQueueDelay {
        let flag = Flag()
        let sampler = WorkerThread<UInt64?>.spawn(name: "test-schedstat") {
            var path: String?
            var last: UInt64?
            while true {
                let stopping = flag.stop.load(ordering: .acquiring)
                if path == nil { path = find(threadName) }
                if let path, let value = runDelay(path) { last = value }
                if stopping { return last }
                usleep(5_000)   // the sampling period, not a synchronisation
            }
        }
        return RunQueueDelay(flag: flag, sampler: sampler, stealAtStart: stealNanos())
    }

    /// Stops sampling; the watched thread's run-queue wait plus the steal time since ``watch``
    /// in ns, nil when the thread was never seen or the kernel keeps no scheduler statistics.
    func finish() -> UInt64? {
        flag.stop.store(true, ordering: .releasing)
        guard let waited = sampler.join() else { return nil }
        guard let start = stealAtStart, let end = Self.stealNanos(), end >= start else { return waited }
        return waited + (end - start)
    }

    /// Steal time of all CPUs so far (`/proc/stat`, first line, eighth field, in USER_HZ ticks
    /// of 10 ms), ns.
    private static func stealNanos() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first else { return nil }
        let fields = line.split(separator: " ")
        guard fields.count > 8, fields[0] == "cpu", let ticks = UInt64(fields[8]) else { return nil }
        return ticks * 10_000_000
    }

    private static func find(_ name: String) -> String? {
        guard let tids = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return nil }
        for tid in tids {
            let comm = try? String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8)
            if comm?.trimmingCharacters(in: .whitespacesAndNewlines) == name { return "/proc/self/task/\(tid)/schedstat" }
        }
        return nil
    }

    private static func runDelay(_ path: String) -> UInt64? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        return fields.count >= 2 ? UInt64(fields[1]) : nil
    }
}
