import Foundation
import H2Loop
import H2Wire
import H2Profile
import H2Results
import H2Driver
import H2Target

/// Runs every cell of a loaded profile, one after another, and builds the ``RunResult``.
///
/// For each cell: launch the target, run the ``Driver``, stop the target, turn the merged
/// measurements into a ``CellResult``, and hand the run-so-far to ``Hooks/cellFinished`` (the
/// CLI writes `run.json` there, so an interrupted or crashed run keeps every finished cell).
/// A target that cannot be launched is a finding recorded in the cell, not a crash.
/// Threading: `run()` blocks the calling thread; driver and server loops run on their own threads.
public final class Runner {
    /// Callbacks for the CLI (progress, persistence). Called on the thread running `run()`,
    /// except `cellStarted`'s progress counters, which other threads may read.
    public struct Hooks: Sendable {
        public var cellStarted: @Sendable (_ cell: Cell, _ number: Int, _ count: Int, _ progress: [WorkerProgress]) -> Void = { _, _, _, _ in }
        public var cellFinished: @Sendable (_ run: RunResult) -> Void = { _ in }
        /// Frame traces of a cell's abnormal streams (cell id set), and how many were left out.
        public var framesCaptured: @Sendable (_ cellID: String, _ dumps: [FrameTraceDump], _ leftOut: Int) -> Void = { _, _, _ in }
        public init() {}
    }

    public let loaded: LoadedProfile
    public let launcher: TargetLauncher
    public let control: RunControl
    public var hooks = Hooks()
    /// Optional count bound per cell (measured streams), used by tests and `--streams`.
    public var totalStreams: Int?
    /// The shard this runner is (``loaded`` is then already this shard's part, see
    /// ``LoadedProfile/sharded(_:)``); recorded in `run.json` `shard` when sharded.
    public var shard: ShardSpec = .unsharded
    /// The wall-clock slots the cells wait for (`--start-at`); `nil`: each cell starts at once.
    public var schedule: StartSchedule?
    /// The profile of the whole run, recorded as `run.json` `profile` (a shard records the
    /// unsharded profile, the same for every shard); `nil`: ``loaded``'s base.
    public var wholeRunProfile: Profile?
    /// `run.json` `profileHash`; `nil`: ``ProfileHash`` of ``wholeRunProfile`` and ``totalStreams``.
    public var profileHash: String?

    public init(loaded: LoadedProfile, launcher: TargetLauncher, control: RunControl) {
        self.loaded = loaded
        self.launcher = launcher
        self.control = control
    }

    /// Runs all cells (or until interrupted) and returns the run.
    public func run(runID: String, startedAt: Date = Date()) -> RunResult {
        let whole = wholeRunProfile ?? loaded.base
        let profileJSON = (try? JSONValue(encoding: whole)) ?? .null
        var result = RunResult(
            tool: ToolInfo(), runID: runID, startedAt: UTCTimestamp.iso8601(startedAt), finishedAt: nil,
            status: .running, environment: EnvironmentInfo.current(nghttp2Version: nghttp2VersionString()),
            profileFile: loaded.file, profile: profileJSON, target: "", cells: [], notes: [])
        result.profileHash = profileHash ?? ProfileHash.of(whole, totalStreams: totalStreams)
        if shard.isSharded || schedule != nil {
            result.shard = ShardRecord(index: shard.index, count: shard.count,
                                       startAt: schedule.map { UTCTimestamp.iso8601Milliseconds($0.startAt) },
                                       slotMarginSeconds: schedule.map { _ in StartSchedule.marginSeconds })
        }
        if !loaded.overrides.isEmpty {
            result.notes.append("overrides: " + loaded.overrides.joined(separator: ", "))
        }
        hooks.cellFinished(result)
        for (n, cell) in loaded.cells.enumerated() {
            if control.isInterrupted { break }
            let slot = schedule.map { $0.slotStarts[n] }
            if let slot {
                SlotWait.until(slot, control: control)
                if control.isInterrupted { break }
            }
            let began = Date()
            var measuredFrom: Date?
            let cellResult = runCell(cell, number: n + 1, count: loaded.cells.count, targetDescription: &result.target,
                                     measuredFrom: &measuredFrom)
            result.cells.append(cellResult)
            if result.shard != nil {
                let p = cell.profile
                result.shard?.cells.append(ShardCellStart(
                    cell: cell.index, id: cell.id, connections: p.connections, rate: p.rate,
                    totalStreams: totalStreams ?? p.totalStreams, seed: p.seed,
                    slotStart: slot.map(UTCTimestamp.iso8601Milliseconds), startedAt: UTCTimestamp.iso8601Milliseconds(began),
                    lateMilliseconds: slot.map { max(0, (began.timeIntervalSince($0) * 1e6).rounded() / 1e3) },
                    measuredFrom: (measuredFrom ?? began).timeIntervalSince1970))
            }
            hooks.cellFinished(result)
        }
        result.status = control.isInterrupted ? .interrupted : .complete
        if control.isInterrupted {
            result.notes.append("interrupted after \(result.cells.count) of \(loaded.cells.count) cells; the last cell holds what was measured until then")
        }
        result.finishedAt = UTCTimestamp.iso8601(Date())
        hooks.cellFinished(result)
        return result
    }

    /// Runs one cell against a freshly launched target.
    public func runCell(_ cell: Cell, number: Int, count: Int, targetDescription: inout String) -> CellResult {
        var measuredFrom: Date?
        return runCell(cell, number: number, count: count, targetDescription: &targetDescription, measuredFrom: &measuredFrom)
    }

    /// ``runCell(_:number:count:targetDescription:)`` that also says when the measured window
    /// began by the wall clock (driver start + warm-up; `nil` when the target could not be started).
    func runCell(_ cell: Cell, number: Int, count: Int, targetDescription: inout String, measuredFrom: inout Date?) -> CellResult {
        let profile = cell.profile
        let progress = (0..<max(1, min(cell.threads, profile.connections))).map { _ in WorkerProgress() }
        var notes: [String] = []
        let target: LaunchedTarget
        do {
            target = try launcher.launch(for: cell)
        } catch {
            var m = CellMeasurements()
            m.recordConnectionError("target could not be started: \(error)")
            hooks.cellStarted(cell, number, count, progress)
            var failed = CellResult(index: cell.index, id: cell.id, threads: cell.threads, serverThreads: cell.serverThreads,
                                    variant: cell.variant, repeat: cell.repeat, durationSeconds: 0, measurements: m,
                                    cpu: CPUUsage(userSeconds: 0, systemSeconds: 0), peakRSSBytes: 0)
            if let process = error.process {
                failed.target = process
                failed.notes.append(Self.processNote(process))
            }
            return failed
        }
        targetDescription = target.description
        let options = Driver.Options(cell: cell, stampsBodies: target.stampsBodies, tls: target.tls, totalStreams: totalStreams)
        ProcessUsage.resetPeakRSS()
        hooks.cellStarted(cell, number, count, progress)
        measuredFrom = Date().addingTimeInterval(Double(cell.profile.warmup.nanoseconds) / 1e9)
        let driven = Driver.run(options, target: target.address, control: control, progress: progress)
        let peak = ProcessUsage.current().peakRSSBytes
        let seen = target.stop()
        if let process = seen?.process {
            if process.exitedEarly {
                notes.append("target exited during the cell (\(process.exitStatus)); open streams ended as connection-lost, see \(process.stderrFile)")
            }
            notes.append(Self.processNote(process))
        } else if let seen {
            let deadlines = seen.grpcTimeoutsReceived > 0
                ? ", \(seen.grpcTimeoutsReceived) calls with grpc-timeout (\(seen.deadlinesExceeded) ended DEADLINE_EXCEEDED by the server)" : ""
            notes.append("target: \(seen.connectionsAccepted) connections, \(seen.streamsFinished) responses finished, \(seen.dataBytesSent) DATA bytes sent\(deadlines)")
        }
        if control.isInterrupted { notes.append("interrupted: measured \(String(format: "%.2f", driven.measuredSeconds)) s") }
        if !driven.measurements.frameTraces.isEmpty || driven.measurements.frameTracesLeftOut > 0 {
            let dumps = driven.measurements.frameTraces
            hooks.framesCaptured(cell.id, dumps, driven.measurements.frameTracesLeftOut)
            notes.append("frame traces: \(dumps.count) written to frames/\(driven.measurements.frameTracesLeftOut > 0 ? ", \(driven.measurements.frameTracesLeftOut) left out (cap \(FrameTraceDump.capPerCell) per cell)" : "")")
        }
        var result = CellResult(
            index: cell.index, id: cell.id, threads: cell.threads, serverThreads: cell.serverThreads, variant: cell.variant,
            repeat: cell.repeat, durationSeconds: driven.measuredSeconds, measurements: driven.measurements,
            cpu: CPUUsage(userSeconds: driven.userSeconds, systemSeconds: driven.systemSeconds), peakRSSBytes: peak,
            serverFlowControl: seen?.flowControl)
        result.notes.append(contentsOf: notes)
        result.target = seen?.process
        if !profile.faults.isEmpty {
            result.faults = FaultOutcome.table(driven.measurements.faultOutcomes, faults: profile.faults,
                                               deadlineNanoseconds: profile.client.deadline?.nanoseconds)
        }
        return result
    }

    /// "target process: 1.23 s CPU, peak RSS 45.1 MiB, signal 15 (SIGTERM)".
    static func processNote(_ process: TargetProcessResult) -> String {
        let rss = String(format: "%.1f MiB", Double(process.peakRSSBytes) / 1_048_576)
        let killed = process.killedAfterGrace ? " (ignored SIGTERM for the grace period)" : ""
        return "target process: \(String(format: "%.2f", process.cpuSeconds)) s CPU, peak RSS \(rss), \(process.exitStatus)\(killed); output in \(process.stdoutFile), \(process.stderrFile)"
    }
}
