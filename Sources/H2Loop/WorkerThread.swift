import CLinux
import Glibc

/// A dedicated OS thread that runs one body and hands its result back at ``join()``.
///
/// Threading: this is how values cross threads in h2stress — a worker builds its state on its
/// own thread and returns a `Sendable` value at the end; nothing is shared while it runs.
public final class WorkerThread<Result: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `result` is written once by the worker before it exits and read only
    // after pthread_join, which orders the two (happens-before).
    private var thread: pthread_t = 0
    private var result: Result?
    private var joined = false

    private init() {}

    /// Starts `body` on a new thread named `name` (≤ 15 characters shown by the kernel).
    public static func spawn(name: String, _ body: @escaping @Sendable () -> Result) -> WorkerThread<Result> {
        let worker = WorkerThread<Result>()
        let start = ThreadStart(name: String(name.prefix(15))) { worker.result = body() }
        worker.thread = start.launch()
        return worker
    }

    /// Waits for the thread to finish and returns what its body returned.
    public func join() -> Result {
        precondition(!joined, "BUG DETECTED: a worker thread joined twice")
        joined = true
        let rc = pthread_join(thread, nil)
        precondition(rc == 0, "BUG DETECTED: pthread_join failed with \(rc)")
        return result!
    }
}

extension WorkerThread where Result == Void {
    /// Starts `body` on a new detached thread named `name`: nobody joins it, and its resources
    /// go back to the system when `body` returns (``ChildProcess``'s monitor, which ends when
    /// its child has been reaped).
    static func detach(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = ThreadStart(name: String(name.prefix(15)), body: body).launch()
        let rc = pthread_detach(thread)
        precondition(rc == 0, "BUG DETECTED: pthread_detach failed with \(rc)")
    }
}

/// The non-generic part of starting a pthread: a retained box the C entry point unwraps.
private final class ThreadStart {
    let name: String
    let body: () -> Void

    init(name: String, body: @escaping () -> Void) {
        self.name = name
        self.body = body
    }

    func launch() -> pthread_t {
        var thread: pthread_t = 0
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, threadEntry, context)
        precondition(rc == 0, "BUG DETECTED: pthread_create failed with \(rc)")
        return thread
    }
}

private func threadEntry(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let start = Unmanaged<ThreadStart>.fromOpaque(raw!).takeRetainedValue()
    CLinux_set_thread_name(start.name)
    start.body()
    return nil
}
