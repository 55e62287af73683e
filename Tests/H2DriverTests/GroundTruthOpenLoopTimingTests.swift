import Foundation
import Glibc
import H2Loop
import H2Target
import H2Wire
import H2TestSupport
import Testing
@testable import H2Profile
@testable import H2Results
@testable import H2Driver

/// Ground truth for the open loop: its rate and late starts on an idle machine, and its
/// coordinated-omission correction against an injected server stall.
@Suite(.serialized, .tags(.timing))
struct GroundTruthOpenLoopTimingTests {
    typealias Rig = GroundTruthRig

    static let rate = 2_000.0
    static let measured: UInt64 = 10 * GroundTruthRig.seconds
    static let warmup: UInt64 = 500 * GroundTruthRig.ms

    /// Small unary calls at 2,000/s on one connection with at most 8 streams in flight, so a
    /// stalled server makes the schedule fall behind (a closed-loop tool would stop sending).
    static func openLoopOptions() -> Driver.Options {
        let plan = PlanBuilder.plan(for: .grpcUnary(UnarySpec(requestSize: ByteCount(bytes: 32), responseSize: ByteCount(bytes: 128))),
                                    stamped: true)
        var options = Driver.Options(
            threads: 1, connections: 1, streamsPerConnection: 8, plans: [plan], weights: [1],
            settings: Rig.clientSettings(streamWindow: 1 << 20), warmupNanoseconds: warmup,
            durationNanoseconds: measured, totalStreams: nil, seed: 5)
        options.rate = rate
        return options
    }

    /// Checks the achieved rate against the request; returns the merged open-loop figures.
    static func checkRate(_ result: DriverResult, label: String) -> OpenLoopMeasurements? {
        let m = result.measurements
        guard let open = m.openLoop else {
            Issue.record("no open-loop figures")
            return nil
        }
        let seconds = Double(measured) / 1e9
        let intendedRate = Double(open.intendedStarts) / seconds
        let startedRate = Double(m.streamsStarted) / seconds
        let completedRate = Double(m.outcomes.complete) / seconds
        print("ground truth: open loop \(label): intended \(open.intendedStarts) (\(intendedRate)/s), started \(m.streamsStarted),"
              + " completed \(m.outcomes.complete) (\(completedRate)/s), unfinished \(m.outcomes.unfinished),"
              + " late \(open.lateStarts), max lag \(Rig.millis(open.maxStartLagNanos)),"
              + " corrected p50/p99/max \(Rig.millis(m.streamDuration.nanoseconds(atPercentile: 50)))"
              + "/\(Rig.millis(m.streamDuration.nanoseconds(atPercentile: 99)))/\(Rig.millis(m.streamDuration.nanoseconds(atPercentile: 100))),"
              + " uncorrected p50/p99/max \(Rig.millis(open.serviceTime.nanoseconds(atPercentile: 50)))"
              + "/\(Rig.millis(open.serviceTime.nanoseconds(atPercentile: 99)))/\(Rig.millis(open.serviceTime.nanoseconds(atPercentile: 100)))")
        #expect(m.connectionErrors.isEmpty, "\(m.connectionErrors.prefix(2))")
        #expect(m.outcomes.failed == 0, "\(m.failures.prefix(2))")
        #expect(result.measuredSeconds >= seconds * 0.999, "the cell ran its whole measured window")
        #expect(abs(open.requestedRate - rate) < 1e-9)
        #expect(abs(intendedRate - rate) <= 0.01 * rate, "intended starts \(intendedRate)/s")
        #expect(abs(startedRate - rate) <= 0.01 * rate, "started \(startedRate)/s")
        #expect(abs(completedRate - rate) <= 0.01 * rate, "completed \(completedRate)/s")
        // Every measured stream went into both histograms.
        #expect(m.streamDuration.count == UInt64(m.outcomes.complete))
        #expect(open.serviceTime.count == m.streamDuration.count)
        return open
    }

    /// "When idle" has to be checked, not assumed, on a shared 2-core machine: a start is late
    /// (> 1 ms behind schedule) essentially only when the driver thread was kept off a CPU.
    /// The kernel's scheduler statistics say how long that was (`/proc/…/schedstat`, time the
    /// driver thread waited on a run queue), which bounds the late starts: at most
    /// 0.1 % + 2 × rate × that time. The factor 2 covers the catch-up after each wait (starts
    /// due during the wait are started late, back to back) and delays `schedstat` cannot see
    /// (softirq work on the driver's CPU; the hypervisor's steal time is added to the wait, see
    /// ``RunQueueDelay``): with factor 1 this test
    /// failed once in about ten runs on this VM (660 late starts after a 271 ms wait). A driver
    /// that starts streams late on its own still fails it: that shows as thousands of late
    /// starts with no wait to explain them. When the driver thread never waited, the bound is
    /// 0.1 %. Without scheduler statistics the bound is a flat 1 %.
    @Test func openLoopHoldsTwoThousandStreamsPerSecondWithoutLateStartsWhenIdle() throws {
        let server = try Rig.startServer()
        let monitor = RunQueueDelay.watch(threadName: "h2s-driver-0")
        let (result, _) = Rig.run(Self.openLoopOptions(), server: server)
        let waited = monitor.finish()
        guard let open = Self.checkRate(result, label: "idle") else { return }
        let allowed: Double
        if let waited {
            allowed = 0.001 * Double(open.intendedStarts) + 2 * Self.rate * (Double(waited) / 1e9 + 0.02)
            print("ground truth: open loop idle: driver thread waited \(Rig.millis(waited)) for a CPU → at most \(Int(allowed)) late starts")
        } else {
            allowed = 0.01 * Double(open.intendedStarts)
        }
        #expect(Double(open.lateStarts) <= allowed, "late starts \(open.lateStarts), allowed \(allowed)")
        // Little to correct when (almost) nothing is late: a start delayed by a wait for the
        // CPU carries that wait in its corrected duration, so the bound grows with it.
        let corrected = result.measurements.streamDuration.nanoseconds(atPercentile: 99)
        let uncorrected = open.serviceTime.nanoseconds(atPercentile: 99)
        let correctedBound = 50 * Rig.ms + 2 * (waited ?? 0)
        #expect(corrected < correctedBound && uncorrected <= corrected,
                "corrected p99 \(Rig.millis(corrected)) (bound \(Rig.millis(correctedBound))), uncorrected p99 \(Rig.millis(uncorrected))")
    }

    /// A 200 ms server stall in the middle of the run: ~400 scheduled starts pile up behind the
    /// 8 stuck streams. Counted from their intended starts, the top 1 % of the 20,000
    /// durations are those scheduled in the stall's first ~100 ms, so the corrected p99 is
    /// ≥ ~100 ms; counted from the actual submissions (what a closed-loop tool sees) only the
    /// 8 stuck streams are slow, and p99 stays small.
    @Test func aServerStallShowsInTheCorrectedP99AndNotInTheUncorrectedOne() throws {
        let server = try Rig.startServer()
        let progress = [WorkerProgress()]
        let stall: UInt64 = 200 * Rig.ms
        // Mid-run: half the measured streams finished. Synchronised on the published progress;
        // the 1 ms pause between checks only keeps this thread off the two cores the run uses.
        let halfway = Int(Self.rate * Double(Self.measured) / 2e9)
        let injector = WorkerThread<Bool>.spawn(name: "test-stall") {
            let deadline = MonotonicClock.now() + 30 * Rig.seconds
            while MonotonicClock.now() < deadline {
                if progress[0].streamsFinished >= halfway {
                    server.stallForTesting(nanoseconds: stall)
                    return true
                }
                usleep(1_000)
            }
            return false
        }
        let (result, _) = Rig.run(Self.openLoopOptions(), server: server, progress: progress)
        #expect(injector.join(), "the run never reached \(halfway) finished streams")
        guard let open = Self.checkRate(result, label: "200ms stall") else { return }
        let corrected = result.measurements.streamDuration.nanoseconds(atPercentile: 99)
        let uncorrected = open.serviceTime.nanoseconds(atPercentile: 99)
        #expect(corrected >= 100 * Rig.ms, "corrected p99 \(Rig.millis(corrected))")
        #expect(uncorrected < corrected / 2, "uncorrected p99 \(Rig.millis(uncorrected)) vs corrected \(Rig.millis(corrected))")
        // The stall itself is in both maxima (the stuck streams), and the schedule fell behind.
        #expect(result.measurements.streamDuration.nanoseconds(atPercentile: 100) >= stall * 9 / 10)
        #expect(open.maxStartLagNanos >= stall / 2)
        #expect(open.lateStarts >= 100, "late starts \(open.lateStarts)")
    }

    /// A stall that outlasts the window: the starts scheduled in its last ~200 ms are never
    /// made, and must still count as intended (and late) — otherwise the stall would hide
    /// its own missed starts.
    @Test func startsNeverMadeBeforeTheWindowEndsStillCountAsIntendedAndLate() throws {
        let server = try Rig.startServer()
        let progress = [WorkerProgress()]
        var options = Self.openLoopOptions()
        options.rate = 1_000
        options.warmupNanoseconds = 200 * Rig.ms
        options.durationNanoseconds = 2 * Rig.seconds
        // Stall once ~1,750 of the ~2,000 measured streams finished, for longer than is left.
        let injector = WorkerThread<Bool>.spawn(name: "test-stall") {
            let deadline = MonotonicClock.now() + 30 * Rig.seconds
            while MonotonicClock.now() < deadline {
                if progress[0].streamsFinished >= 1_750 {
                    server.stallForTesting(nanoseconds: 600 * Rig.ms)
                    return true
                }
                usleep(1_000)
            }
            return false
        }
        let (result, _) = Rig.run(options, server: server, progress: progress)
        #expect(injector.join())
        let m = result.measurements
        guard let open = m.openLoop else {
            Issue.record("no open-loop figures")
            return
        }
        print("ground truth: open loop, stall past the end: intended \(open.intendedStarts), started \(m.streamsStarted),"
              + " late \(open.lateStarts), unfinished \(m.outcomes.unfinished)")
        #expect(abs(open.intendedStarts - 2_000) <= 2, "intended starts \(open.intendedStarts)")
        #expect(m.streamsStarted < open.intendedStarts - 50, "the stall must have left starts unmade")
        #expect(open.lateStarts >= open.intendedStarts - m.streamsStarted - 2)
        #expect(open.maxStartLagNanos >= 100 * Rig.ms)
    }
}
