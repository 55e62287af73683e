import Foundation
import Glibc
import H2Loop
import H2Report
import H2Target
import H2Wire
import H2Profile
import H2Results
import H2Driver

/// Runs the scenarios of one `h2stress bench` invocation and keeps their rows.
///
/// Threading: used from the command's thread only. The driver runs on its own worker thread
/// (``Driver/run(_:target:control:progress:)``); targets and h2load are child processes.
final class BenchSession {
    let options: BenchOptions
    let control: RunControl
    /// This binary (run as `serve` for the target).
    let executable: String
    /// The h2load executable, nil when not installed.
    let h2loadPath: String?
    /// One row per client and scenario: the median over the repeats.
    private(set) var rows: [BenchRow] = []
    /// Every single run, in the order run.
    private(set) var runs: [BenchRow] = []
    /// Runs that failed but did not stop the scenario (h2load errors).
    private(set) var errors: [String] = []
    /// The 10k-streams check, when that scenario ran.
    var manyStreamsCheck: (open: Int, rssBytes: Int, ok: Bool)?
    /// Overhead scenario: CPU-s/GB on ÷ off − 1 of each round (on and off run back to back).
    var overheadCheck: [Double]?
    /// `--side-by-side`: per download scenario, h2stress ÷ h2load CPU-s/GB of each concurrent round.
    var sideBySideRatios: [(scenario: String, smallStreams: Bool, ratios: [Double])] = []
    /// Idle-wake scenario: wakePoll p50 and p99 in µs.
    var idleWakeCheck: (p50: Double, p99: Double, dispatchP50: Double)?
    /// `threads` scenario: round by round, each client's CPU per stream with 2 threads ÷ with 1.
    var threadScalingCheck: (h2stress: [Double], h2load: [Double])?
    /// Soak scenario: RSS and descriptor samples, false verdicts.
    var soakCheck: SoakCheck?
    let startedAt = Date()

    /// Streams and connections of the 10k scenario.
    static let manyConnections = 100
    static let manyStreamsPerConnection = 100

    init(options: BenchOptions, control: RunControl, executable: String, h2loadPath: String?) {
        self.options = options
        self.control = control
        self.executable = executable
        self.h2loadPath = h2loadPath
    }

    private var streamWindow: Int { (1 << options.windowBits) - 1 }
    private var connectionWindow: Int { (1 << options.connectionWindowBits) - 1 }
    private var maxFrameSize: Int { options.maxFrameSize.bytes }
    private var serverLifetime: TimeSpan { options.warmup + options.duration + .seconds(60) }

    // MARK: Scenarios

    /// Runs one scenario and appends its rows.
    func run(_ scenario: BenchScenario) throws(BenchError) {
        switch scenario {
        case .download, .unary:
            let work = try workload(scenario)
            defer { if let file = work.bodyFile { try? FileManager.default.removeItem(atPath: file) } }
            var ours: [BenchRow] = []
            var theirs: [BenchRow] = []
            for round in 0..<options.repeats where !control.isInterrupted {
                let (a, b) = try alternatingRound(work, round: round, of: options.repeats)
                ours.append(a)
                if let b { theirs.append(b) }
            }
            runs += ours + theirs
            if options.sideBySide, h2loadPath != nil {
                var ratios: [Double] = []
                for round in 0..<max(options.repeats, 3) where !control.isInterrupted {
                    Terminal.note("\(scenario): h2stress and h2load side by side (round \(round + 1)) …")
                    if let ratio = try downloadSideBySideRound(work) { ratios.append(ratio) }
                }
                if !ratios.isEmpty { sideBySideRatios.append((scenario.description, scenario.isSmallStreams, ratios)) }
            }
            appendSummaries(ours: ours, theirs: theirs)
        case .threadScaling:
            var one = try workload(.download(bodyBytes: 100))
            one.threads = 1
            one.label = "GET 100 B, 1 thread"
            var two = one
            two.threads = 2
            two.label = "GET 100 B, 2 threads"
            var ours: [[BenchRow]] = [[], []]
            var theirs: [[BenchRow]] = [[], []]
            let rounds = max(options.repeats, 3)
            for round in 0..<rounds where !control.isInterrupted {
                // Alternate which thread count goes first, as the clients alternate within a run.
                for work in round % 2 == 0 ? [one, two] : [two, one] where !control.isInterrupted {
                    let (a, b) = try alternatingRound(work, round: round, of: rounds)
                    ours[work.threads - 1].append(a)
                    if let b { theirs[work.threads - 1].append(b) }
                }
            }
            runs += ours.flatMap { $0 } + theirs.flatMap { $0 }
            threadScalingCheck = (Self.pairedRatios(ours[1], ours[0]), Self.pairedRatios(theirs[1], theirs[0]))
            appendSummaries(ours: ours[0], theirs: theirs[0])
            appendSummaries(ours: ours[1], theirs: theirs[1])
        case .overhead:
            var on: [BenchRow] = []
            var off: [BenchRow] = []
            for round in 0..<max(options.repeats, 3) where !control.isInterrupted {
                Terminal.note("\(scenario): measurement on and off side by side (round \(round + 1)) …")
                let (a, b) = try driverOverheadRound(scenario: scenario)
                on.append(a)
                off.append(b)
            }
            runs += on + off
            if let a = Self.median(on), let b = Self.median(off) {
                rows.append(a)
                rows.append(b)
                let pairs = Self.pairedRatios(on, off).map { $0 - 1 }
                if !pairs.isEmpty { overheadCheck = pairs }
            }
        case .idleWake:
            Terminal.note("\(scenario): 4 connections × 16 paced streams …")
            let row = try driverIdleWake(scenario: scenario)
            runs.append(row)
            rows.append(row)
        case .soak:
            Terminal.note("\(scenario): \(Self.soakConnections) connections × \(Self.soakStreamsPerConnection) churning paced streams for \(options.duration) …")
            let row = try driverSoak(scenario: scenario)
            runs.append(row)
            rows.append(row)
        case .manyStreams:
            Terminal.note("\(scenario): h2stress, \(Self.manyConnections) connections × \(Self.manyStreamsPerConnection) streams …")
            let row = try driverManyStreams(scenario: scenario)
            runs.append(row)
            rows.append(row)
        }
    }

    /// One run of each client on `work`, h2stress first in even rounds and h2load first in odd
    /// ones, so a drifting machine load does not favour one client. h2load's row is nil when
    /// it is not installed or failed (the failure is kept in ``errors``).
    private func alternatingRound(_ work: Workload, round: Int, of rounds: Int) throws(BenchError) -> (BenchRow, BenchRow?) {
        let h2loadFirst = round % 2 == 1 && h2loadPath != nil
        let tag = rounds > 1 ? " (run \(round + 1)/\(rounds))" : ""
        var theirs: BenchRow?
        if h2loadFirst {
            Terminal.note("\(work.label): h2load\(tag) …")
            theirs = h2loadAttempt(work)
        }
        Terminal.note("\(work.label): h2stress\(tag) …")
        let ours = try driverDownload(work)
        if !h2loadFirst && h2loadPath != nil && !control.isInterrupted {
            Terminal.note("\(work.label): h2load\(tag) …")
            theirs = h2loadAttempt(work)
        }
        return (ours, theirs)
    }

    /// The median rows of both clients (h2stress's with its ratio to h2load's) into ``rows``.
    private func appendSummaries(ours: [BenchRow], theirs: [BenchRow]) {
        guard var summary = Self.median(ours) else { return }
        if let other = Self.median(theirs) {
            if let a = summary.cpuSecondsPerGB, let b = other.cpuSecondsPerGB, b > 0 { summary.ratioToH2load = a / b }
            rows.append(summary)
            rows.append(other)
        } else {
            rows.append(summary)
        }
    }

    /// Round by round, `a`'s CPU per GB ÷ `b`'s (rounds where either lacks a figure are left out).
    static func pairedRatios(_ a: [BenchRow], _ b: [BenchRow]) -> [Double] {
        zip(a, b).compactMap { x, y -> Double? in
            guard let p = x.cpuSecondsPerGB, let q = y.cpuSecondsPerGB, q > 0 else { return nil }
            return p / q
        }
    }

    /// Runs h2load once; a failure is printed and remembered in ``errors`` so the h2stress rows
    /// of the scenario are still reported.
    private func h2loadAttempt(_ work: Workload) -> BenchRow? {
        do {
            return try h2loadDownload(work)
        } catch {
            Terminal.error("\(work.label): \(error)")
            errors.append("\(work.label): \(error)")
            return nil
        }
    }

    /// One run's target: a fresh `h2stress serve` child, or the external `--target`.
    struct RunningTarget {
        let address: TargetAddress
        /// The embedded child; nil for an external target.
        let serve: ServeProcess?

        /// Stops the child and returns what it served; nil for an external target.
        func stop() -> ServeProcess.Stopped? { serve?.stop() }
    }

    func startTarget() throws(BenchError) -> RunningTarget {
        switch options.target {
        case .external(let host, let port, _):
            return RunningTarget(address: TargetAddress(host: host, port: port), serve: nil)
        case .embedded:
            let serve = try startEmbedded()
            return RunningTarget(address: TargetAddress(host: "127.0.0.1", port: serve.port), serve: serve)
        }
    }

    /// A fresh `h2stress serve` child: the scenarios that need its paced gRPC streams use it
    /// whatever `--target` says (``BenchOptions/validate()`` refuses them with `--target`).
    func startEmbedded() throws(BenchError) -> ServeProcess {
        try ServeProcess.start(executable: executable, threads: options.serverThreads, maxFrameSize: maxFrameSize,
                               maxConcurrentStreams: 1000, lifetime: serverLifetime)
    }

    /// Warm-up of the download-like scenarios: none against an external target, where each
    /// client's CPU is divided by the bytes it counted itself over its whole run.
    private var downloadWarmup: TimeSpan { options.target.isExternal ? .zero : options.warmup }

    private func clientSettings() -> HTTP2Settings {
        HTTP2Settings(client: ClientSettings(streamWindow: ByteCount(bytes: streamWindow), connectionWindow: ByteCount(bytes: connectionWindow),
                                             maxFrameSize: options.maxFrameSize))
    }

    /// What both clients request in a download-like scenario: the driver's plan, and the same
    /// request for h2load (path and extra arguments), with the response DATA bytes per stream.
    struct Workload {
        var plan: StreamPlan
        var path: String
        var h2loadArguments: [String] = []
        var bytesPerStream: Int
        /// The temporary file h2load posts (`-d`), removed when the scenario ends.
        var bodyFile: String? = nil
        /// Threads of each client (`--threads`; the `threads` scenario sets 1 and 2).
        var threads = 1
        /// The row's scenario label (the `threads` scenario adds the thread count).
        var label: String
    }

    /// `GET /bytes/<n>`, or `UnaryCall` with a 100-byte payload each way (h2load posts the same
    /// gRPC-framed request, written once to a temporary file, with the gRPC headers).
    func workload(_ scenario: BenchScenario) throws(BenchError) -> Workload {
        switch scenario {
        case .download(let size):
            if case .external(_, _, let path?) = options.target {
                let spec = HTTPRequestSpec(path: path, expectSize: ByteCount(bytes: size))
                return Workload(plan: PlanBuilder.plan(for: .httpRequest(spec), stamped: false), path: path, bytesPerStream: size,
                                threads: options.threads, label: scenario.description)
            }
            return Workload(plan: PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: ByteCount(bytes: size))), stamped: false),
                            path: "/bytes/\(size)", bytesPerStream: size, threads: options.threads, label: scenario.description)
        default:
            let payload = ByteCount(bytes: BenchScenario.unaryPayloadBytes)
            // Stamps are the embedded server's; another gRPC server answers with plain payloads,
            // still checked by length and status.
            let plan = PlanBuilder.plan(for: .grpcUnary(UnarySpec(requestSize: payload, responseSize: payload)),
                                        stamped: !options.target.isExternal)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-bench-unary-\(getpid()).bin").path
            guard FileManager.default.createFile(atPath: file, contents: Data(plan.requestBody)) else {
                throw BenchError("cannot write h2load's request body to \(file)")
            }
            return Workload(plan: plan, path: PlanBuilder.unaryCallPath,
                            h2loadArguments: ["-d", file, "-H", "content-type: application/grpc", "-H", "te: trailers"],
                            bytesPerStream: plan.expectedBytes, bodyFile: file, threads: options.threads, label: scenario.description)
        }
    }

    /// The driver running `work` with the bench's connections, streams and windows, after
    /// `warmup` ns.
    private func downloadOptions(_ work: Workload, warmup: UInt64) -> Driver.Options {
        Driver.Options(
            threads: work.threads, connections: options.connections, streamsPerConnection: options.streams, plans: [work.plan], weights: [1],
            settings: clientSettings(), warmupNanoseconds: warmup, durationNanoseconds: options.duration.nanoseconds,
            rxTimestamps: options.rxTimestamps)
    }

    /// Starts h2load on `server` with the same connections, streams, windows and frame size as
    /// the driver (`--warm-up-time` only when `warmup`); stops the server if h2load cannot start.
    private func startH2load(_ path: String, server: RunningTarget, _ work: Workload, warmup: Bool) throws(BenchError) -> (ChildProcess, [String]) {
        var arguments = [
            "-t", String(work.threads), "-c", String(options.connections), "-m", String(options.streams),
            "-D", "\(options.duration.nanoseconds / 1_000_000)ms",
        ]
        if warmup && downloadWarmup.nanoseconds > 0 { arguments.append("--warm-up-time=\(options.warmup.nanoseconds / 1_000_000)ms") }
        arguments += [
            "-w", String(options.windowBits), "-W", String(options.connectionWindowBits), "-f", String(maxFrameSize),
        ] + work.h2loadArguments + [
            "http://\(server.address.host.contains(":") ? "[\(server.address.host)]" : server.address.host):\(server.address.port)\(work.path)",
        ]
        do {
            return (try ChildProcess.benchChild(executable: path, arguments: arguments), arguments)
        } catch {
            _ = server.stop()
            throw error
        }
    }

    private func driverDownload(_ work: Workload) throws(BenchError) -> BenchRow {
        let server = try startTarget()
        let options = downloadOptions(work, warmup: downloadWarmup.nanoseconds)
        ProcessUsage.resetPeakRSS()
        let before = ProcessUsage.current()
        let result = Driver.run(options, target: server.address, control: control)
        let after = ProcessUsage.current()
        let peak = Int(after.peakRSSBytes)
        let served = server.stop()
        let m = result.measurements
        var row = BenchRow(
            scenario: work.label, client: "h2stress", measuredSeconds: result.measuredSeconds,
            bodyBytes: m.bytesReceived, megabytesPerSecond: Self.rate(Double(m.bytesReceived), result.measuredSeconds) / 1e6,
            requestsPerSecond: Self.rate(Double(m.outcomes.complete), result.measuredSeconds),
            cpuUserSeconds: result.userSeconds, cpuSystemSeconds: result.systemSeconds,
            bytesServedWholeRun: served?.dataBytesSent, cpuSecondsPerGB: nil, ratioToH2load: nil, peakRSSBytes: peak,
            serverCPUSeconds: served?.exit.cpuSeconds, failures: m.outcomes.failed + m.connectionErrors.count)
        // External target: no warm-up, so the bytes the driver counted cover its whole run.
        let bytes = served == nil ? m.bytesReceived : served?.dataBytesSent
        if let bytes, bytes > 0 { row.cpuSecondsPerGB = row.cpuSeconds / (Double(bytes) / 1e9) }
        row.bytesPerStream = work.bytesPerStream
        row.notes += m.connectionErrors.prefix(3).map { "connection error: \($0)" }
        if m.outcomes.failed > 0 { row.notes.append("\(m.outcomes.failed) streams did not complete cleanly") }
        row.processCPUSeconds = Double(after.userNanoseconds + after.systemNanoseconds - before.userNanoseconds - before.systemNanoseconds) / 1e9
        return row
    }

    /// One `--side-by-side` round: h2load and the driver download `size`-byte bodies from one
    /// target at the same time, each with the usual connections × streams and no warm-up (so
    /// each side's CPU and bytes cover the same whole run). Returns h2stress's CPU-s/GB (its
    /// worker thread) ÷ h2load's (its process); nil when h2load gave no summary.
    private func downloadSideBySideRound(_ work: Workload) throws(BenchError) -> Double? {
        guard let h2loadPath else { return nil }
        let server = try startTarget()
        let (child, _) = try startH2load(h2loadPath, server: server, work, warmup: false)
        let result = Driver.run(downloadOptions(work, warmup: 0), target: server.address, control: control)
        let exit = child.wait(deadline: MonotonicClock.now() + options.duration.nanoseconds + 30_000_000_000)
        _ = server.stop()
        guard let summary = H2LoadSummary(output: child.standardOutputText), summary.dataBytesWholeRun > 0,
              result.measurements.bytesReceived > 0 else {
            errors.append("side-by-side round: h2load gave no summary (\(exit.statusText))")
            return nil
        }
        let ours = (result.userSeconds + result.systemSeconds) / (Double(result.measurements.bytesReceived) / 1e9)
        let theirs = exit.cpuSeconds / (Double(summary.dataBytesWholeRun) / 1e9)
        return theirs > 0 ? ours / theirs : nil
    }

    private func h2loadDownload(_ work: Workload) throws(BenchError) -> BenchRow {
        guard let h2loadPath else { throw BenchError("h2load is not installed") }
        let server = try startTarget()
        let (child, arguments) = try startH2load(h2loadPath, server: server, work, warmup: true)
        let bound = MonotonicClock.now() + downloadWarmup.nanoseconds + options.duration.nanoseconds + 30_000_000_000
        let exit = child.wait(deadline: bound)
        let served = server.stop()
        guard let summary = H2LoadSummary(output: child.standardOutputText) else {
            let tail = child.standardOutputText.split(separator: "\n").suffix(5).joined(separator: " / ")
            throw BenchError("h2load gave no summary (\(exit.statusText)\(exit.killedAfterGrace ? ", killed after overrunning" : "")): \(tail)")
        }
        let seconds = options.duration.seconds
        let body = summary.bodyBytesMainDuration(maxFrameSize: maxFrameSize)
        var row = BenchRow(
            scenario: work.label, client: "h2load", measuredSeconds: seconds, bodyBytes: body,
            megabytesPerSecond: Double(body) / seconds / 1e6, requestsPerSecond: summary.requestsPerSecond,
            cpuUserSeconds: exit.userSeconds, cpuSystemSeconds: exit.systemSeconds,
            bytesServedWholeRun: served?.dataBytesSent, cpuSecondsPerGB: nil, ratioToH2load: nil,
            peakRSSBytes: exit.peakRSSBytes, serverCPUSeconds: served?.exit.cpuSeconds,
            failures: summary.requestsFailed)
        // External target: no warm-up, so h2load's own DATA count covers its whole run.
        let bytes = served == nil ? summary.dataBytesWholeRun : served?.dataBytesSent
        if let bytes, bytes > 0 { row.cpuSecondsPerGB = row.cpuSeconds / (Double(bytes) / 1e9) }
        row.bytesPerStream = work.bytesPerStream
        if !exit.succeeded { row.notes.append("h2load \(exit.statusText)") }
        row.notes.append("h2load " + arguments.dropLast().joined(separator: " ") + " …\(work.path)")
        return row
    }

    /// 100 × 100 paced gRPC server streams (1 KiB every 250 ms) that outlive the run, so every
    /// stream opened is still open at the end: open = started = unfinished = 10,000 proves they
    /// were all concurrently open.
    private func driverManyStreams(scenario: BenchScenario) throws(BenchError) -> BenchRow {
        let server = try startEmbedded()
        let interval = TimeSpan.milliseconds(250)
        let messages = Int(options.duration.nanoseconds / interval.nanoseconds) + 20
        let spec = ServerStreamSpec(messages: messages, size: .kibibytes(1), interval: interval)
        let plan = PlanBuilder.plan(for: .grpcServerStream(spec), stamped: false)
        var settings = HTTP2Settings()
        settings.initialWindowSize = 65_535
        settings.connectionWindowSize = 1 << 20
        let options = Driver.Options(
            threads: 1, connections: Self.manyConnections, streamsPerConnection: Self.manyStreamsPerConnection,
            plans: [plan], weights: [1], settings: settings, warmupNanoseconds: 0,
            durationNanoseconds: options.duration.nanoseconds, rxTimestamps: options.rxTimestamps)
        ProcessUsage.resetPeakRSS()
        let baseline = Int(ProcessUsage.current().peakRSSBytes)
        let result = Driver.run(options, target: TargetAddress(host: "127.0.0.1", port: server.port), control: control)
        let peak = Int(ProcessUsage.current().peakRSSBytes)
        let served = server.stop()
        let m = result.measurements
        let wanted = Self.manyConnections * Self.manyStreamsPerConnection
        let ok = m.streamsStarted == wanted && m.outcomes.unfinished == wanted && m.outcomes.failed == 0
            && m.connectionsOpened == Self.manyConnections
        manyStreamsCheck = (m.outcomes.unfinished, peak, ok)
        var row = BenchRow(
            scenario: scenario.description, client: "h2stress", measuredSeconds: result.measuredSeconds,
            bodyBytes: m.bytesReceived, megabytesPerSecond: Self.rate(Double(m.bytesReceived), result.measuredSeconds) / 1e6,
            requestsPerSecond: Self.rate(Double(m.messagesReceived), result.measuredSeconds),
            cpuUserSeconds: result.userSeconds, cpuSystemSeconds: result.systemSeconds,
            bytesServedWholeRun: served.dataBytesSent, cpuSecondsPerGB: nil, ratioToH2load: nil, peakRSSBytes: peak,
            serverCPUSeconds: served.exit.cpuSeconds, failures: m.outcomes.failed + m.connectionErrors.count)
        if let bytes = served.dataBytesSent, bytes > 0 { row.cpuSecondsPerGB = row.cpuSeconds / (Double(bytes) / 1e9) }
        row.notes.append("\(m.connectionsOpened) connections, \(m.streamsStarted) streams started, \(m.outcomes.unfinished) still open at the end, \(m.outcomes.failed) failed; req/s column = gRPC messages/s (1 KiB every 250 ms per stream)")
        row.notes.append("process RSS before the scenario \(Self.megabytes(baseline)) MB, peak during it \(Self.megabytes(peak)) MB (server is a separate process)")
        row.notes += m.connectionErrors.prefix(3).map { "connection error: \($0)" }
        return row
    }

    /// One round of the overhead scenario: two drivers in this process *at the same time*, each
    /// on its own thread with half of `--connections` × `--streams` streams of 32 × 64 KiB gRPC
    /// messages (no pacing), against one target. One has stamps + verification, kernel RX
    /// timestamps and frame traces on (`--measurement` picks which), the other all of them off.
    ///
    /// Side by side rather than one after the other: on this VM a driver's CPU-s per GB moves by
    /// ±20 % from one run to the next with the host's load, and both drivers of a round see the
    /// same load. Each side's figure is its own worker thread's CPU over its own bytes; there is no
    /// warm-up (the measured window is the whole run, so CPU and bytes cover the same time).
    private func driverOverheadRound(scenario: BenchScenario) throws(BenchError) -> (on: BenchRow, off: BenchRow) {
        let server = try startEmbedded()
        let spec = ServerStreamSpec(messages: 32, size: .kibibytes(64), interval: .zero)
        let parts = options.measurement
        let target = TargetAddress(host: "127.0.0.1", port: server.port)
        let bench = options
        func driverOptions(measured: Bool) -> Driver.Options {
            let plan = PlanBuilder.plan(for: .grpcServerStream(spec), stamped: measured && parts.contains("stamps"),
                                        checksum: bench.checksum)
            var driver = Driver.Options(
                threads: 1, connections: max(1, bench.connections / 2), streamsPerConnection: bench.streams,
                plans: [plan], weights: [1], settings: clientSettings(), warmupNanoseconds: 0,
                durationNanoseconds: bench.duration.nanoseconds, rxTimestamps: measured && parts.contains("timestamps"))
            driver.frameTrace = measured && parts.contains("traces")
            return driver
        }
        let (onOptions, offOptions, control) = (driverOptions(measured: true), driverOptions(measured: false), control)
        let onThread = WorkerThread.spawn(name: "h2s-bench-on") { Driver.run(onOptions, target: target, control: control) }
        let offThread = WorkerThread.spawn(name: "h2s-bench-off") { Driver.run(offOptions, target: target, control: control) }
        let results = (on: onThread.join(), off: offThread.join())
        let served = server.stop()
        func row(_ result: DriverResult, measured: Bool) -> BenchRow {
            let m = result.measurements
            var row = BenchRow(
                scenario: scenario.description, client: measured ? "h2stress (measurement on)" : "h2stress (measurement off)",
                measuredSeconds: result.measuredSeconds, bodyBytes: m.bytesReceived,
                megabytesPerSecond: Self.rate(Double(m.bytesReceived), result.measuredSeconds) / 1e6,
                requestsPerSecond: Self.rate(Double(m.messagesReceived), result.measuredSeconds),
                cpuUserSeconds: result.userSeconds, cpuSystemSeconds: result.systemSeconds,
                bytesServedWholeRun: nil, cpuSecondsPerGB: nil, ratioToH2load: nil,
                peakRSSBytes: Int(ProcessUsage.current().peakRSSBytes), serverCPUSeconds: served.exit.cpuSeconds,
                failures: m.outcomes.failed + m.connectionErrors.count)
            if m.bytesReceived > 0 { row.cpuSecondsPerGB = row.cpuSeconds / (Double(m.bytesReceived) / 1e9) }
            row.notes.append("req/s column = gRPC messages/s; CPU = this driver's worker thread; server CPU shared by both sides; "
                             + "\(m.outcomes.integrity) integrity failures")
            if let c = measured ? Optional(m.checksum) : nil, c.messagesStampChecked > 0 {
                row.notes.append("checksum \(c.sampling): \(c.messagesStampChecked) stamps checked, \(c.messagesSummed) bodies summed")
            }
            return row
        }
        return (row(results.on, measured: true), row(results.off, measured: false))
    }

    /// 4 connections × 16 gRPC server streams of 100 B messages every 10 ms on an otherwise idle
    /// machine: how long ready data waits for the driver thread (`wakePoll`).
    private func driverIdleWake(scenario: BenchScenario) throws(BenchError) -> BenchRow {
        let server = try startEmbedded()
        let interval = TimeSpan.milliseconds(10)
        let messages = Int(options.duration.nanoseconds / interval.nanoseconds) + 200
        let spec = ServerStreamSpec(messages: messages, size: ByteCount(bytes: 100), interval: interval)
        let plan = PlanBuilder.plan(for: .grpcServerStream(spec), stamped: true)
        let options = Driver.Options(
            threads: 1, connections: 4, streamsPerConnection: 16, plans: [plan], weights: [1],
            settings: clientSettings(), warmupNanoseconds: options.warmup.nanoseconds,
            durationNanoseconds: options.duration.nanoseconds, rxTimestamps: true)
        let result = Driver.run(options, target: TargetAddress(host: "127.0.0.1", port: server.port), control: control)
        let served = server.stop()
        let m = result.measurements
        let poll = m.wakePoll.summary()
        let dispatch = m.wakeDispatch.summary()
        var row = BenchRow(
            scenario: scenario.description, client: "h2stress", measuredSeconds: result.measuredSeconds,
            bodyBytes: m.bytesReceived, megabytesPerSecond: Self.rate(Double(m.bytesReceived), result.measuredSeconds) / 1e6,
            requestsPerSecond: Self.rate(Double(m.messagesReceived), result.measuredSeconds),
            cpuUserSeconds: result.userSeconds, cpuSystemSeconds: result.systemSeconds,
            bytesServedWholeRun: served.dataBytesSent, cpuSecondsPerGB: nil, ratioToH2load: nil,
            peakRSSBytes: Int(ProcessUsage.current().peakRSSBytes), serverCPUSeconds: served.exit.cpuSeconds,
            failures: m.outcomes.failed + m.connectionErrors.count)
        row.notes.append(String(format: "wakePoll µs: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f (%llu wakes); wakeDispatch p50 %.1f µs; delivery p50 %.1f µs",
                                poll.p50, poll.p90, poll.p99, poll.max, poll.count, dispatch.p50, m.delivery.summary().p50))
        row.notes.append("\(m.readsWithTimestamp) reads with a kernel timestamp, \(m.readsWithoutTimestamp) without; req/s column = messages/s")
        if poll.count > 0 { idleWakeCheck = (poll.p50, poll.p99, dispatch.p50) }
        return row
    }

    /// The per-metric median of `runs` (each figure's own median; RSS: the maximum), with the
    /// spread of MB/s and CPU-s/GB in a note. The first run's notes are kept.
    private static func median(_ runs: [BenchRow]) -> BenchRow? {
        guard var row = runs.first else { return nil }
        guard runs.count > 1 else { return row }
        func mid(_ values: [Double]) -> Double { Statistics.median(values) ?? 0 }
        row.measuredSeconds = mid(runs.map(\.measuredSeconds))
        row.bodyBytes = Int(mid(runs.map { Double($0.bodyBytes) }))
        row.megabytesPerSecond = mid(runs.map(\.megabytesPerSecond))
        row.requestsPerSecond = mid(runs.map(\.requestsPerSecond))
        row.cpuUserSeconds = mid(runs.map(\.cpuUserSeconds))
        row.cpuSystemSeconds = mid(runs.map(\.cpuSystemSeconds))
        let served = runs.compactMap(\.bytesServedWholeRun)
        row.bytesServedWholeRun = served.count == runs.count ? Int(mid(served.map(Double.init))) : nil
        let perGB = runs.compactMap(\.cpuSecondsPerGB)
        row.cpuSecondsPerGB = perGB.count == runs.count ? mid(perGB) : nil
        row.peakRSSBytes = runs.map(\.peakRSSBytes).max() ?? 0
        let server = runs.compactMap(\.serverCPUSeconds)
        row.serverCPUSeconds = server.count == runs.count ? mid(server) : nil
        row.failures = runs.reduce(0) { $0 + $1.failures }
        let mbs = runs.map(\.megabytesPerSecond)
        var spread = String(format: "median of %d runs: MB/s %.0f–%.0f", runs.count, mbs.min()!, mbs.max()!)
        if let lo = perGB.min(), let hi = perGB.max() { spread += String(format: ", CPU-s/GB %.3f–%.3f", lo, hi) }
        row.notes.insert(spread, at: 0)
        return row
    }

    static func rate(_ count: Double, _ seconds: Double) -> Double { seconds > 0 ? count / seconds : 0 }
    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
}
