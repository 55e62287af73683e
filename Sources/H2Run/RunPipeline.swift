import Foundation
import H2Driver
import H2Loop
import H2Metrics
import H2Profile
import H2Report
import H2Results
import H2Target
import Synchronization

/// `h2stress run` after its options are read: choose the target, create the run folder, run
/// every cell (writing `run.json` and `report.md` after each, and frame traces as they come),
/// print the summary, apply the profile's gate, and say which exit status the run ends with.
public struct RunPipeline {
    /// The loaded profile (overrides applied) and the path it was read from.
    public var loaded: LoadedProfile
    public var profilePath: String
    /// Where run folders are created.
    public var resultsDir = "results"
    /// `--streams`: end each cell after this many measured streams.
    public var totalStreams: Int?
    /// `--baseline`: a run folder or run.json for the profile's baseline gate rules.
    public var baselinePath: String?
    /// No progress line and no notes on stderr.
    public var quiet = false
    /// The profile's text when it exists only on the command line (`run --url`): kept in the
    /// run folder as `profile.yaml`, to run again or grow into variants.
    public var profileText: String?
    /// `--shard i/N` (or `--shards N` with `JOB_COMPLETION_INDEX`): which part of the run this
    /// process does. ``loaded`` stays the whole run's profile; the pipeline takes the shard's part.
    public var shard: ShardSpec = .unsharded
    /// `--start-at`: when slot 0 of the start schedule begins; `nil`: cells start at once.
    public var startAt: Date?
    /// `--metrics`: serve live Prometheus metrics on this address while the run goes on.
    public var metricsAddress: MetricsAddress?
    /// `--metrics-linger`: how long the endpoint keeps serving the final values after the run.
    public var metricsLinger = RunPipeline.defaultMetricsLinger

    /// The default of `--metrics-linger`: long enough for a scraper with a 15 s interval to see the final values.
    public static let defaultMetricsLinger = TimeSpan(nanoseconds: 15_000_000_000)

    public init(loaded: LoadedProfile, profilePath: String) {
        self.loaded = loaded
        self.profilePath = profilePath
    }

    /// Runs the profile and returns the exit status (0, 1 gate failed, 2 nothing could be run, 130 interrupted).
    /// Throws ``ExitError`` when the run cannot begin (bad target URL 64, unreadable baseline 64,
    /// `--metrics` address not usable 64, no results folder 2).
    public func run() throws(ExitError) -> Int32 {
        let launcher = try launcher()
        if let problem = loaded.shardProblem(shard, totalStreams: totalStreams) {
            throw ExitError(ExitStatus.usage, "profile `\(profilePath)` cannot be split into \(shard.count) shards: \(problem)")
        }
        let part = loaded.sharded(shard)
        let schedule = startAt.map { StartSchedule(startAt: $0, cells: part.cells) }
        if let schedule, schedule.firstSlotMissed(now: Date()) {
            throw ExitError(ExitStatus.usage, "`--start-at \(UTCTimestamp.iso8601Milliseconds(schedule.startAt))` is more than one slot "
                            + "(\(String(format: "%.1f", schedule.slotSeconds[0])) s) in the past; give a time a few seconds ahead, "
                            + "e.g. `--start-at \"$(date -u -d '+10 sec' +%FT%TZ)\"`")
        }
        let baselineRun = try baselinePath.map { path throws(ExitError) in try GateStep.loadRun(path).run }
        // Signals stay blocked in the metrics thread too (it starts before the watcher does), so
        // Ctrl-C always reaches the watcher instead of killing the process there.
        if metricsAddress != nil { InterruptWatcher.block() }
        let metrics = try startMetrics()
        defer { metrics?.server.stop() }
        if baselineRun == nil, loaded.base.gate.contains(where: \.needsBaseline), !quiet {
            Terminal.note("note: the profile's gate rules that compare with a baseline are skipped (no `--baseline <run>`)")
        }
        let directory: RunDirectory
        do {
            let name = shard.isSharded ? "\(loaded.base.name)-\(shard.folderTag)" : loaded.base.name
            directory = try RunDirectory(resultsRoot: resultsDir, profileName: name, startedAt: Date())
        } catch {
            throw ExitError(ExitStatus.runFailed, "cannot create the results folder: \(error)")
        }
        if let profileText {
            do {
                try profileText.write(toFile: directory.path + "/profile.yaml", atomically: true, encoding: .utf8)
            } catch {
                Terminal.error("could not keep the profile as profile.yaml: \(error)")
            }
        }
        let control = RunControl()
        let lingerEnd = DispatchSemaphore(value: 0)
        InterruptWatcher.install {
            control.interrupt()
            lingerEnd.signal()
        }
        let progress = ProgressPrinter(enabled: Terminal.stderrIsTTY && !quiet)
        let runner = Runner(loaded: part, launcher: launcher ?? ManagedTargetLauncher(runDirectory: directory.path), control: control)
        runner.totalStreams = totalStreams.map { shard.share(of: $0) }
        runner.shard = shard
        runner.schedule = schedule
        runner.wholeRunProfile = loaded.base
        runner.profileHash = ProfileHash.of(loaded.base, totalStreams: totalStreams)
        runner.hooks = Self.hooks(directory: directory, progress: progress, metrics: metrics?.registry)
        if !quiet {
            let cells = loaded.cells.count
            Terminal.note("h2stress: \(cells) cell\(cells == 1 ? "" : "s") of `\(loaded.base.name)`, \(WallTimeEstimate(cells: loaded.cells, totalStreams: totalStreams)) → \(directory.path)")
            if shard.isSharded {
                Terminal.note("shard \(shard.label): \(part.base.connections) of \(loaded.base.connections) connections per cell (the cells' own shares are in run.json `shard`)")
            }
            if let schedule {
                let end = schedule.startAt.addingTimeInterval(schedule.slotSeconds.reduce(0, +))
                Terminal.note("start schedule: cell 1 at \(UTCTimestamp.iso8601Milliseconds(schedule.startAt)), the last cell's slot ends at \(UTCTimestamp.iso8601Milliseconds(end)) (slot = target start + warm-up + duration + \(Int(StartSchedule.marginSeconds)) s)")
            }
        }
        let result = runner.run(runID: directory.runID)
        progress.finish()
        print(SummaryTable.render(result))
        var gate: GateReport?
        if !loaded.base.gate.isEmpty {
            let report = Gate.evaluate(result, rules: loaded.base.gate, baseline: baselineRun)
            gate = report
            do {
                try GateRunFiles.write(result, gate: report, into: directory)
            } catch {
                Terminal.error("could not write the gate files: \(error)")
            }
            for line in GateStep.verdictLines(result, report) { print(line) }
        }
        print(directory.path)
        let failed = result.cells.reduce(0) { $0 + $1.streams.failed }
        if gate == nil, failed > 0, !quiet {
            Terminal.note("hint: \(failed) stream\(failed == 1 ? "" : "s") failed and no gate rule checks that, so the exit code is 0; "
                          + "`--fail-on failed` (or `gate: [\"failed == 0\"]` in the profile) makes such a run exit 1")
        }
        let status: Int32
        if control.isInterrupted {
            status = ExitStatus.interrupted
        } else {
            if GateStep.runCouldNotBeDone(result) {
                Terminal.error("no stream could be started (see the connection errors in \(directory.reportFilePath))")
            }
            status = GateStep.exitStatus(result, gate)
        }
        if let metrics, metricsLinger.nanoseconds > 0, !control.isInterrupted {
            if !quiet { Terminal.note("metrics: serving the final values for \(metricsLinger) more (Ctrl-C ends this)") }
            _ = lingerEnd.wait(timeout: .now() + .nanoseconds(Int(min(metricsLinger.nanoseconds, UInt64(Int.max)))))
            metrics.server.stop()
        }
        return status
    }

    /// Starts the `--metrics` endpoint (nil without the flag) and says where it listens on stderr,
    /// quiet or not (`metrics: listening on http://127.0.0.1:PORT/metrics`): with port 0 that line
    /// is the only way to learn the port.
    func startMetrics() throws(ExitError) -> (registry: RunMetrics, server: MetricsServer)? {
        guard let metricsAddress else { return nil }
        let registry = RunMetrics(profile: loaded.base.name, shard: shard.label)
        do {
            let server = try MetricsServer.start(metricsAddress) { registry.exposition() }
            Terminal.note("metrics: listening on \(server.url)")
            return (registry, server)
        } catch {
            throw ExitError(ExitStatus.usage, error.description)
        }
    }

    /// The launcher the profile's target asks for; nil for a managed (`command`) target, which
    /// needs the run folder for its output and is made once that exists.
    func launcher() throws(ExitError) -> TargetLauncher? {
        switch loaded.base.target {
        case .embedded:
            return EmbeddedTargetLauncher()
        case .url(let url, let tlsOptions):
            do {
                // An https:// URL always speaks TLS; its options (when written) tune verification.
                let tls = url.hasPrefix("https://") ? (tlsOptions ?? TLSClientConfig()) : nil
                return try ExternalTargetLauncher(url: url, tls: tls)
            } catch {
                throw ExitError(ExitStatus.usage, "profile `\(profilePath)`: \(error)")
            }
        case .command:
            return nil
        }
    }

    /// Progress on stderr, `run.json`/`report.md` after every cell, frame traces into `frames/`.
    /// With `metrics`, each cell's series start with the cell (reading the workers' counters at
    /// every scrape) and take the cell's final figures once `run.json` holds the cell.
    static func hooks(directory: RunDirectory, progress: ProgressPrinter, metrics: RunMetrics? = nil) -> Runner.Hooks {
        var hooks = Runner.Hooks()
        hooks.cellStarted = { cell, number, count, counters in
            progress.cellStarted(cell: cell, number: number, count: count, counters: counters)
            if let metrics {
                metrics.cellStarted(labels: metrics.labels(variant: cell.variant, cell: cell.id)) { LiveCellCounters(progress: counters) }
            }
        }
        hooks.cellFinished = { run in
            do {
                try directory.write(run)
            } catch {
                Terminal.error("could not write results: \(error)")
            }
            // After run.json: once a scrape shows a cell finished, run.json holds it too.
            metrics?.cellsFinished(run.cells)
        }
        let frames = ConditionLock(FrameTraceWriter(directory: directory))
        hooks.framesCaptured = { cellID, dumps, leftOut in
            frames.withLock { writer in
                do {
                    try writer.write(cellID: cellID, dumps: dumps, leftOut: leftOut)
                } catch {
                    Terminal.error("could not write frame traces: \(error)")
                }
            }
        }
        return hooks
    }
}
