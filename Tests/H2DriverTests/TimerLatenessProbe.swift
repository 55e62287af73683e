import H2Loop

/// Measures how late an ``EventLoop`` timer of a given length fires on this machine when the
/// thread is otherwise idle — the lateness the embedded server adds to every paced pause.
final class TimerLatenessProbe: TimerHandler {
    private let pause: UInt64
    private var remaining: Int
    private var deadline: UInt64 = 0
    private var lateness: [UInt64] = []

    private init(pause: UInt64, samples: Int) {
        self.pause = pause
        self.remaining = samples
    }

    /// The p50 lateness (ns) of `samples` consecutive timers of `pause` ns.
    static func p50(pause: UInt64, samples: Int) throws -> UInt64 {
        let loop = try EventLoop()
        let probe = TimerLatenessProbe(pause: pause, samples: samples)
        probe.arm(loop)
        loop.run(until: MonotonicClock.now() + UInt64(samples + 2) * pause + GroundTruthRig.seconds)
        loop.releaseAll()
        let sorted = probe.lateness.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    private func arm(_ loop: EventLoop) {
        deadline = MonotonicClock.now() + pause
        loop.schedule(at: deadline, handler: self, token: 0)
    }

    func timerFired(token: UInt64, loop: EventLoop) {
        lateness.append(MonotonicClock.now() - deadline)
        remaining -= 1
        if remaining > 0 { arm(loop) } else { loop.stop() }
    }
}
