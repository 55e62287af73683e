import Foundation
import Glibc
import H2Loop
import Synchronization

/// Watches one thread of this process (by name) and reports how long it waited on a run
/// queue for a CPU (`/proc/self/task/<tid>/schedstat`, second field, ns) — to tell an idle
/// machine from a contended one in timing tests.
///
/// Threading: ``watch(threadName:)`` starts a sampling thread (every 20 ms, so up to the last
/// 20 ms of the watched thread's life can be missed); ``finish()`` stops and joins it.
struct RunQueueDelay {
    /// Stop flag shared with the sampling thread.
    private final class Flag: Sendable {
        let stop = Atomic<Bool>(false)
    }

    private let flag: Flag
    private let sampler: WorkerThread<UInt64?>

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
                usleep(20_000)
            }
        }
        return RunQueueDelay(flag: flag, sampler: sampler)
    }

    /// Stops sampling; the watched thread's run-queue wait in ns, nil when it was never seen
    /// or the kernel keeps no scheduler statistics.
    func finish() -> UInt64? {
        flag.stop.store(true, ordering: .releasing)
        return sampler.join()
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
