import H2Loop
import H2Wire
import H2Profile
import H2Results

/// What the driver measured in one cell, merged across its worker threads.
public struct DriverResult: Sendable {
    public var measurements: CellMeasurements
    /// Driver threads' CPU time (sum over workers), in seconds.
    public var userSeconds: Double
    public var systemSeconds: Double
    /// Seconds of the measured window actually run (shorter when interrupted or quota-bound).
    public var measuredSeconds: Double
}

/// Runs one cell's load: `threads` worker threads, connections spread over them round-robin,
/// each worker an independent epoll loop. Results merge once, at join.
public enum Driver {
    /// Runs the cell and returns its merged measurements. `control` lets Ctrl-C stop the workers
    /// early (what was measured so far is still returned); `progress` receives one counter set
    /// per worker for the live progress line.
    public static func run(_ options: Options, target: TargetAddress, control: RunControl,
                           progress: [WorkerProgress]? = nil) -> DriverResult {
        precondition(options.threads >= 1 && !options.plans.isEmpty, "BUG DETECTED: driver options not validated")
        let threads = min(options.threads, max(1, options.connections))
        let start = MonotonicClock.now()
        let measureStart = start + options.warmupNanoseconds
        let measureEnd = measureStart + options.durationNanoseconds
        let counters = progress ?? (0..<threads).map { _ in WorkerProgress() }
        var firstConnection = 0
        var workers: [WorkerThread<Result<WorkerResult, SystemError>>] = []
        for t in 0..<threads {
            let conns = options.connections / threads + (t < options.connections % threads ? 1 : 0)
            let quota = options.totalStreams.map { $0 / threads + (t < $0 % threads ? 1 : 0) }
            var config = WorkerConfig(
                options: options, index: t, host: target.host, port: target.port, authority: target.description,
                connections: conns, firstConnectionIndex: firstConnection, measureStart: measureStart,
                measureEnd: measureEnd, streamQuota: quota, seed: options.seed &+ UInt64(t) &* 0x9E37_79B9)
            if let rate = options.rate {
                config.rate = rate / Double(threads)
                // Interleave the workers' schedules: worker t starts t/threads of a period later.
                config.rateOffset = UInt64((1e9 / rate) * Double(t))
            }
            firstConnection += conns
            let workerConfig = config
            let counter = counters[t % counters.count]
            workers.append(WorkerThread.spawn(name: "h2s-driver-\(t)") {
                do throws(SystemError) {
                    let worker = try DriverWorker(config: workerConfig, progress: counter)
                    control.attach(worker.loop.waker)
                    defer { control.detach(worker.loop.waker) }
                    if control.isInterrupted { worker.loop.waker.requestStop() }
                    return .success(worker.run())
                } catch {
                    return .failure(error)
                }
            })
        }
        var merged = CellMeasurements()
        var user: UInt64 = 0
        var system: UInt64 = 0
        for w in workers {
            switch w.join() {
            case .success(let r):
                merged.merge(r.measurements)
                user += r.userNanoseconds
                system += r.systemNanoseconds
            case .failure(let e):
                merged.recordConnectionError("driver worker could not start: \(e)")
            }
        }
        let end = min(MonotonicClock.now(), measureEnd)
        let measured = end > measureStart ? Double(end - measureStart) / 1e9 : 0
        return DriverResult(measurements: merged, userSeconds: Double(user) / 1e9, systemSeconds: Double(system) / 1e9,
                            measuredSeconds: measured)
    }
}
