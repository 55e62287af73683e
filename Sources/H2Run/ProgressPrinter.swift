import Dispatch
import Foundation
import H2Loop
import H2Report
import Synchronization
import H2Profile
import H2Driver

/// Prints the live progress line (`cell 2/8 window-1m/t2 · 3.1s/5.0s · 12,345 streams · 1,234.5 MB/s`)
/// to stderr four times a second while cells run (a Dispatch timer; off the hot path).
///
/// Threading: `Sendable`; the current cell's state sits behind a lock (`ConditionLock`, a pthread mutex) written at cell start,
/// the worker counters it reads are atomics.
public final class ProgressPrinter: @unchecked Sendable {
    // @unchecked Sendable: `timer` is set once in init and Dispatch sources are thread-safe;
    // everything else is behind the lock or atomic.
    private struct CellState: Sendable {
        var number: Int
        var count: Int
        var id: String
        var warmup: Double
        var duration: Double
        var startedAt: UInt64
        var counters: [WorkerProgress]
        var lastBytes = 0
        var lastTime: UInt64 = 0
        var rate = 0.0
    }

    private let state = ConditionLock<CellState?>(nil)
    private let timer: DispatchSourceTimer?

    /// Starts printing when `enabled` (stderr is a terminal and `--quiet` was not given).
    init(enabled: Bool) {
        guard enabled else {
            timer = nil
            return
        }
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "h2stress.progress"))
        t.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        timer = t
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
    }

    /// A new cell begins.
    func cellStarted(cell: Cell, number: Int, count: Int, counters: [WorkerProgress]) {
        let now = MonotonicClock.now()
        state.withLock {
            $0 = CellState(number: number, count: count, id: cell.id, warmup: cell.profile.warmup.seconds,
                           duration: cell.profile.duration.seconds, startedAt: now, counters: counters, lastTime: now)
        }
    }

    private func tick() {
        let now = MonotonicClock.now()
        let line: String? = state.withLock { s in
            guard var cell = s else { return nil }
            let elapsed = Double(now - cell.startedAt) / 1e9
            let bytes = cell.counters.reduce(0) { $0 + $1.bytesReceived }
            let streams = cell.counters.reduce(0) { $0 + $1.streamsFinished }
            let dt = Double(now - cell.lastTime) / 1e9
            if dt > 0 { cell.rate = Double(bytes - cell.lastBytes) / dt }
            cell.lastBytes = bytes
            cell.lastTime = now
            s = cell
            let inWarmup = elapsed < cell.warmup
            return ProgressLine(cellNumber: cell.number, cellCount: cell.count, cellID: cell.id,
                                phase: inWarmup ? "warm-up" : nil,
                                elapsedSeconds: inWarmup ? elapsed : min(elapsed - cell.warmup, cell.duration),
                                durationSeconds: inWarmup ? cell.warmup : cell.duration,
                                streams: streams, bytesPerSecond: max(0, cell.rate)).render()
        }
        if let line { FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8)) }
    }

    /// Stops the timer and clears the line.
    func finish() {
        guard let timer else { return }
        timer.cancel()
        state.withLock { $0 = nil }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
