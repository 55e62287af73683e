import Foundation
import H2Loop
import H2Target
import H2Wire
import H2TestSupport
import Testing
@testable import H2Profile
@testable import H2Results
@testable import H2Driver

/// Ground truth for the latency figures: `messageGap` against a pause the server injects,
/// `wakePoll` against a hold the driver injects before it reads.
@Suite(.serialized, .tags(.timing))
struct GroundTruthLatencyTimingTests {
    typealias Rig = GroundTruthRig

    // MARK: messageGap

    /// Two-message streams, message 1 sent D after message 0: the driver's gap for message 1
    /// must be D, within max(2 %, 100 µs), at p50.
    ///
    /// No timer-driven server pauses *exactly* D: it pauses D plus the time its loop thread
    /// takes to wake from an idle wait of D (on this 2-core VM ≈ 40–60 µs for 1 ms, ≈ 70–150 µs
    /// for 20 ms and more, measured below). So the ground truth is D plus that timer lateness,
    /// measured with the same ``EventLoop`` timers just before the run; what is left is the
    /// driver's own error (including its own wake from the same idle wait). The raw error
    /// against D alone is printed too. On a loaded machine the driver thread also waits for a
    /// CPU before it reads message 1 (a CI run read 130 µs at D = 1 ms beside a busy core): its
    /// run-queue wait during the run (``RunQueueDelay``), per stream, widens the tolerance, so
    /// a driver that is slow on its own still fails.
    @Test(arguments: [(1 as UInt64, 100), (20, 40), (200, 12)])
    func messageGapMeasuresTheServersPause(millis: UInt64, streams: Int) throws {
        let pause = millis * Rig.ms
        let lateness = try TimerLatenessProbe.p50(pause: pause, samples: millis >= 200 ? 5 : min(100, Int(400 / millis)))
        let plan = PlanBuilder.serverStreamPlan(sizes: [64, 64], intervals: [.zero, TimeSpan(nanoseconds: pause)],
                                                stamped: true)
        let server = try Rig.startServer()
        let monitor = RunQueueDelay.watch(threadName: "h2s-driver-0")
        let (result, stats) = Rig.run(Rig.options(plan, streams: 4, total: streams), server: server)
        let waitedPerStream = (monitor.finish() ?? 0) / UInt64(streams)
        let m = result.measurements
        #expect(m.outcomes.complete == streams, "\(m.outcomes) \(m.failures.prefix(2)) \(m.connectionErrors.prefix(2))")
        #expect(stats.streamsFinished == streams)
        // Exactly one gap per stream: message 1's.
        #expect(m.messageGap.count == UInt64(streams))
        let p50 = m.messageGap.nanoseconds(atPercentile: 50)
        let truth = pause + lateness
        let tolerance = max(pause / 50, 100_000) + waitedPerStream
        let error = p50 > truth ? p50 - truth : truth - p50
        let raw = p50 > pause ? p50 - pause : pause - p50
        print("ground truth: messageGap D=\(millis)ms p50=\(Rig.millis(p50)) min=\(Rig.millis(m.messageGap.nanoseconds(atPercentile: 0)))"
              + " max=\(Rig.millis(m.messageGap.nanoseconds(atPercentile: 100))) server timer lateness p50=\(Rig.micros(lateness))"
              + " error vs D=\(Rig.micros(raw)) error vs D+lateness=\(Rig.micros(error)) tolerance=\(Rig.micros(tolerance))"
              + " (driver run-queue wait per stream \(Rig.micros(waitedPerStream)))")
        #expect(error <= tolerance, "messageGap p50 \(Rig.millis(p50)) for a pause of \(millis) ms (+ \(Rig.micros(lateness)) timer lateness)")
        // Never shorter than the pause (less the time message 0 waited for its flush).
        #expect(p50 + 50_000 >= pause)
    }

    // MARK: wakePoll

    /// Idle paced streams (one message every 5 ms): a hold of X before each wake's first read
    /// moves `wakePoll` p50 by X (±10 %). One stream at a time, so that no data arrives
    /// during a hold (the kernel stamps a read with its last segment's receive time, and a
    /// segment arriving mid-hold would shorten the measured wait).
    @Test func wakePollShiftsByTheHoldBeforeTheRead() throws {
        let spec = ServerStreamSpec(messages: 40, size: ByteCount(bytes: 256), interval: .milliseconds(5))
        let plan = PlanBuilder.plan(for: .grpcServerStream(spec), stamped: true)
        func measure(hold: UInt64) throws -> CellMeasurements {
            let server = try Rig.startServer()
            var options = Rig.options(plan, streams: 1, total: nil, duration: Rig.seconds)
            // Skip the connection set-up wakes.
            options.warmupNanoseconds = 50 * Rig.ms
            options.holdBeforeReadForTesting = hold
            let (result, _) = Rig.run(options, server: server)
            let m = result.measurements
            #expect(m.outcomes.failed == 0, "\(m.failures.prefix(2))")
            #expect(m.readsWithoutTimestamp == 0, "every loopback read carries a kernel timestamp")
            // ~200 paced messages in 1 s; allow for a loaded machine.
            #expect(m.wakePoll.count >= 100, "wakePoll count \(m.wakePoll.count)")
            #expect(m.wakeDispatch.count >= 100 && m.delivery.count >= 100,
                    "wakeDispatch \(m.wakeDispatch.count), delivery \(m.delivery.count)")
            return m
        }
        let base = try measure(hold: 0)
        let basePoll = base.wakePoll.nanoseconds(atPercentile: 50)
        print("ground truth: wakePoll hold=0 p50=\(Rig.micros(basePoll)) p99=\(Rig.micros(base.wakePoll.nanoseconds(atPercentile: 99)))"
              + " wakeDispatch p50=\(Rig.micros(base.wakeDispatch.nanoseconds(atPercentile: 50)))"
              + " delivery p50=\(Rig.micros(base.delivery.nanoseconds(atPercentile: 50)))")
        for hold in [1 * Rig.ms, 3 * Rig.ms] {
            let held = try measure(hold: hold)
            let poll = held.wakePoll.nanoseconds(atPercentile: 50)
            let dispatch = held.wakeDispatch.nanoseconds(atPercentile: 50)
            let delivery = held.delivery.nanoseconds(atPercentile: 50)
            let shift = Double(poll) - Double(basePoll)
            print("ground truth: wakePoll hold=\(Rig.millis(hold)) p50=\(Rig.micros(poll)) shift=\(Rig.micros(UInt64(max(0, shift))))"
                  + " wakeDispatch p50=\(Rig.micros(dispatch)) delivery p50=\(Rig.micros(delivery))")
            #expect(abs(shift - Double(hold)) <= 0.1 * Double(hold),
                    "wakePoll p50 moved by \(Rig.millis(shift)) for a hold of \(Rig.millis(hold))")
            // A message is dispatched after the read that completed it, and delivered after the
            // server stamped it: both include the hold — as long as each wake reads one message.
            // On a loaded machine the server's messages bunch up: later reads of the same wake
            // carry newer kernel timestamps (no hold in them), so the comparison only holds when
            // there are about as many wakes as messages.
            let messagesPerWake = Double(held.wakeDispatch.count) / Double(max(1, held.wakePoll.count))
            if messagesPerWake <= 1.2 {
                #expect(dispatch >= poll - poll / 20, "wakeDispatch p50 \(Rig.micros(dispatch)) < wakePoll p50 \(Rig.micros(poll))")
            } else {
                print("ground truth: \(messagesPerWake) messages per wake (a loaded machine): wakeDispatch ≥ wakePoll not checked")
            }
            #expect(delivery >= hold, "delivery p50 \(Rig.micros(delivery)) shorter than the hold")
        }
        #expect(base.wakeDispatch.nanoseconds(atPercentile: 50) + 5_000 >= basePoll)
        #expect(base.delivery.nanoseconds(atPercentile: 50) > 0)
    }
}
