import H2Profile

/// Merges one cell's results from several shard runs into the cell result of the whole run
/// (`h2stress merge`). See docs/scale-out.md, *Merge*, for what each figure becomes.
///
/// Exact: outcome counts, bytes, messages, streams started, connections, CPU, failures and fault
/// tables add; every histogram in ``CellResult/histograms`` is decoded from `hdr1:` and added
/// bucket by bucket, and the latency summaries are computed again from the merged histograms.
/// Per-second series are aligned by wall-clock second (each shard's ``ShardCellStart/measuredFrom``,
/// offsets rounded to whole seconds). Not exact: a second's `wakePollP99Micros` is the largest of
/// the shards' (an upper bound of the merged p99), and so are the open-loop service-time
/// percentiles; the peak RSS is the largest shard's.
public enum CellMerge {
    /// One shard's result for the cell.
    public struct Part: Sendable {
        /// The shard's label, `i/N`.
        public var label: String
        /// The shard's result for the cell.
        public var cell: CellResult
        /// When the shard's measured window began (Unix seconds), if recorded.
        public var measuredFrom: Double?

        /// A part of a merge.
        public init(label: String, cell: CellResult, measuredFrom: Double?) {
            self.label = label
            self.cell = cell
            self.measuredFrom = measuredFrom
        }
    }

    /// A cell that cannot be merged exactly (a histogram missing or unreadable).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What is wrong, naming the shard and the figure.
        public var description: String
    }

    /// The largest difference between the shards' measured-window starts a merge accepts, seconds.
    public static let maxStartSpreadSeconds = Double(SeriesRecorder.maxSeconds)

    /// The largest count a shard's figure may hold (2^48, far above any real run: 280 TB, or a
    /// stream every nanosecond for three days). With at most ``ShardSpec/maxCount`` shards the
    /// sums stay below 2^62, so no addition in a merge can overflow.
    public static let maxFigure = 1 << 48

    /// The cell of the whole run made from `parts` (at least one, all of the same cell).
    public static func merge(_ parts: [Part]) throws(Failure) -> CellResult {
        guard var merged = parts.first?.cell else { throw Failure(description: "no shard holds the cell") }
        guard parts.count <= ShardSpec.maxCount else { throw Failure(description: "more than \(ShardSpec.maxCount) shards hold the cell") }
        for part in parts { try checkFigures(part) }
        let cells = parts.map(\.cell)
        let starts = parts.compactMap(\.measuredFrom)
        let origin = starts.count == parts.count ? starts.min() : nil
        if let origin, let late = parts.first(where: { !($0.measuredFrom! - origin <= maxStartSpreadSeconds) }) {
            throw Failure(description: "shard \(late.label), cell `\(late.cell.id)`: its measured window began more than \(Int(maxStartSpreadSeconds)) s after another shard's; "
                          + "these shards did not run together (or their clocks are far apart), so their series cannot be aligned")
        }
        if let origin {
            merged.durationSeconds = parts.map { $0.measuredFrom! + $0.cell.durationSeconds }.max()! - origin
        } else {
            merged.durationSeconds = cells.map(\.durationSeconds).max() ?? 0
        }
        merged.streams = cells.reduce(into: OutcomeCounts()) { $0.add($1.streams) }
        merged.bytesReceived = cells.reduce(0) { $0 + $1.bytesReceived }
        merged.messagesReceived = cells.reduce(0) { $0 + $1.messagesReceived }
        merged.streamsStarted = cells.reduce(0) { $0 + $1.streamsStarted }
        merged.connectionsOpened = cells.reduce(0) { $0 + $1.connectionsOpened }
        let duration = merged.durationSeconds
        func rate(_ amount: Int) -> Double { duration > 0 ? Double(amount) / duration : 0 }
        merged.throughput = Throughput(bytesPerSecond: rate(merged.bytesReceived), messagesPerSecond: rate(merged.messagesReceived),
                                       streamsPerSecond: rate(merged.streams.complete))
        merged.wake = WakeAvailability(readsWithTimestamp: cells.reduce(0) { $0 + $1.wake.readsWithTimestamp },
                                       readsWithoutTimestamp: cells.reduce(0) { $0 + $1.wake.readsWithoutTimestamp })

        var histograms: [String: LatencyHistogram] = [:]
        for part in parts {
            for (key, text) in part.cell.histograms {
                guard let histogram = LatencyHistogram(encoded: text) else {
                    throw Failure(description: "shard \(part.label), cell `\(part.cell.id)`: histogram `\(key)` is not a readable `hdr1:` histogram")
                }
                // Its count is a figure like the others (checkFigures): bounded, merged counts cannot overflow.
                guard histogram.count <= UInt64(maxFigure) else { throw damaged(part, "histograms.\(key) count", Int(clamping: histogram.count)) }
                histograms[key, default: LatencyHistogram()].merge(histogram)
            }
        }
        merged.histograms = histograms.mapValues { $0.encoded() }
        var latency: [String: LatencySummary] = [:]
        for key in Set(cells.flatMap(\.latency.keys)) {
            if let histogram = histograms[key] {
                latency[key] = histogram.summary()
            } else if let part = parts.first(where: { !($0.cell.latency[key]?.isEmpty ?? true) }) {
                throw Failure(description: "shard \(part.label), cell `\(part.cell.id)`: `\(key)` has values but no histogram to merge (run.json written before histograms were kept)")
            } else {
                latency[key] = .empty
            }
        }
        if !merged.wake.available {
            latency[LatencyMetric.wakePoll.rawValue] = nil
            latency[LatencyMetric.wakeDispatch.rawValue] = nil
        }
        merged.latency = latency

        merged.flowControl = flowControl(cells, histograms)
        merged.series = series(parts, origin: origin)
        merged.openLoop = openLoop(cells, duration: duration)
        merged.consumers.delaySeconds = cells.reduce(0) { $0 + $1.consumers.delaySeconds }
        merged.consumers.slowStreams = cells.reduce(0) { $0 + $1.consumers.slowStreams }
        let deadlines = cells.compactMap(\.deadlines)
        merged.deadlines = deadlines.isEmpty ? nil
            : DeadlineSources(client: deadlines.reduce(0) { $0 + $1.client }, server: deadlines.reduce(0) { $0 + $1.server })
        let checksums = cells.compactMap(\.checksum)
        if var checksum = checksums.first {
            for other in checksums.dropFirst() { checksum.merge(other) }
            merged.checksum = checksum
        }
        let unverified = cells.reduce(0) { $0 + ($1.completeSizeUnverified ?? 0) }
        merged.completeSizeUnverified = unverified > 0 ? unverified : nil
        merged.cpu = CPUUsage(userSeconds: cells.reduce(0) { $0 + $1.cpu.userSeconds },
                              systemSeconds: cells.reduce(0) { $0 + $1.cpu.systemSeconds })
        merged.peakRSSBytes = cells.map(\.peakRSSBytes).max() ?? 0

        var notes: [String] = []
        var errors: [String] = []
        var errorsLeftOut = 0
        merged.failures = []
        merged.failuresDropped = 0
        for part in parts {
            for error in part.cell.connectionErrors {
                if errors.count < CellMeasurements.connectionErrorCap { errors.append("[shard \(part.label)] " + error) } else { errorsLeftOut += 1 }
            }
            let room = max(0, CellMeasurements.failureCap - merged.failures.count)
            merged.failures += part.cell.failures.prefix(room)
            merged.failuresDropped += part.cell.failuresDropped + max(0, part.cell.failures.count - room)
            notes += part.cell.notes.map { "[shard \(part.label)] " + $0 }
        }
        merged.connectionErrors = errors
        if errorsLeftOut > 0 { notes.append("\(errorsLeftOut) further connection errors of the shards were not kept in the merge") }
        merged.faults = faults(cells)
        merged.target = parts.count == 1 ? merged.target : nil
        merged.notes = notes
        return merged
    }

    /// Flow-control figures: sums, and summaries from the merged histograms.
    private static func flowControl(_ cells: [CellResult], _ histograms: [String: LatencyHistogram]) -> FlowControlResult {
        var flow = cells[0].flowControl
        flow.streamZeroWindowSeconds = cells.reduce(0) { $0 + $1.flowControl.streamZeroWindowSeconds }
        flow.connectionZeroWindowSeconds = cells.reduce(0) { $0 + $1.flowControl.connectionZeroWindowSeconds }
        flow.windowUpdateFramesSent = cells.reduce(0) { $0 + $1.flowControl.windowUpdateFramesSent }
        flow.windowUpdateBytesSent = cells.reduce(0) { $0 + $1.flowControl.windowUpdateBytesSent }
        flow.streamZeroWindowPerStream = histograms["flowControl.streamZeroWindowPerStream"]?.summary() ?? .empty
        let servers = cells.compactMap(\.flowControl.server)
        if var server = servers.first {
            server.streamStalls = servers.reduce(0) { $0 + $1.streamStalls }
            server.connectionStalls = servers.reduce(0) { $0 + $1.connectionStalls }
            server.streamStallSeconds = servers.reduce(0) { $0 + $1.streamStallSeconds }
            server.connectionStallSeconds = servers.reduce(0) { $0 + $1.connectionStallSeconds }
            server.streamStallDuration = histograms["flowControl.server.streamStallDuration"]?.summary() ?? .empty
            server.connectionStallDuration = histograms["flowControl.server.connectionStallDuration"]?.summary() ?? .empty
            flow.server = server
        }
        return flow
    }

    /// Per-second series aligned by wall-clock second: shard second `k` lands in merged second
    /// `k + round(measuredFrom − origin)`; without start times, by index.
    static func series(_ parts: [Part], origin: Double?) -> [SecondSample] {
        var merged: [SecondSample] = []
        for part in parts {
            let offset = origin.map { Int((part.measuredFrom! - $0).rounded()) } ?? 0
            for sample in part.cell.series {
                // A series never holds more than `maxSeconds` seconds; anything else is a damaged file.
                guard (0..<SeriesRecorder.maxSeconds).contains(sample.second) else { continue }
                let index = sample.second + offset
                while merged.count <= index {
                    merged.append(SecondSample(second: merged.count, bytes: 0, messages: 0, streamsCompleted: 0, outcomes: [:], wakePollP99Micros: nil))
                }
                merged[index].bytes += sample.bytes
                merged[index].messages += sample.messages
                merged[index].streamsCompleted += sample.streamsCompleted
                for (outcome, count) in sample.outcomes { merged[index].outcomes[outcome, default: 0] += count }
                if let p99 = sample.wakePollP99Micros {
                    merged[index].wakePollP99Micros = max(merged[index].wakePollP99Micros ?? 0, p99)
                }
            }
        }
        return merged
    }

    /// Open-loop accounting: rates and starts add; lag and service-time percentiles are the largest shard's.
    private static func openLoop(_ cells: [CellResult], duration: Double) -> OpenLoopResult? {
        let loops = cells.compactMap(\.openLoop)
        guard var loop = loops.first else { return nil }
        loop.requestedRate = loops.reduce(0) { $0 + $1.requestedRate }
        loop.intendedStarts = loops.reduce(0) { $0 + $1.intendedStarts }
        loop.lateStarts = loops.reduce(0) { $0 + $1.lateStarts }
        loop.maxStartLagMillis = loops.map(\.maxStartLagMillis).max() ?? 0
        let started = cells.reduce(0) { $0 + $1.streamsStarted }
        loop.achievedRate = duration > 0 ? Double(started) / duration : 0
        let services = loops.compactMap(\.serviceTime).filter { !$0.isEmpty }
        if !services.isEmpty {
            let count = services.reduce(UInt64(0)) { $0 + $1.count }
            let mean = services.reduce(0.0) { $0 + $1.mean * Double($1.count) } / Double(count)
            loop.serviceTime = LatencySummary(
                count: count, min: services.map(\.min).min()!, p50: services.map(\.p50).max()!, p90: services.map(\.p90).max()!,
                p99: services.map(\.p99).max()!, p999: services.map(\.p999).max()!, max: services.map(\.max).max()!,
                mean: (mean * 1000).rounded() / 1000)
        }
        return loop
    }

    /// Fault tables: rows matched by fault text, counts added.
    private static func faults(_ cells: [CellResult]) -> [FaultOutcome]? {
        let tables = cells.compactMap(\.faults)
        guard var rows = tables.first else { return nil }
        for table in tables.dropFirst() {
            for row in table {
                if let at = rows.firstIndex(where: { $0.fault == row.fault }) {
                    rows[at].streams.add(row.streams)
                } else {
                    rows.append(row)
                }
            }
        }
        return rows
    }

    /// Refuses a shard whose counted figures are negative or above ``maxFigure``: a damaged or
    /// hand-edited `run.json`, which would otherwise overflow a sum (and stop the process).
    static func checkFigures(_ part: Part) throws(Failure) {
        let cell = part.cell
        func outcomes(_ counts: OutcomeCounts, _ prefix: String) -> [(String, Int)] {
            [("complete", counts.complete), ("truncated", counts.truncated), ("reset", counts.reset), ("goaway", counts.goaway),
             ("connectionLost", counts.connectionLost), ("deadline", counts.deadline), ("statusError", counts.statusError),
             ("integrity", counts.integrity), ("unfinished", counts.unfinished)].map { (prefix + $0.0, $0.1) }
        }
        var figures = outcomes(cell.streams, "streams.")
        figures += [("bytesReceived", cell.bytesReceived), ("messagesReceived", cell.messagesReceived),
                    ("streamsStarted", cell.streamsStarted), ("connectionsOpened", cell.connectionsOpened),
                    ("wake.readsWithTimestamp", cell.wake.readsWithTimestamp), ("wake.readsWithoutTimestamp", cell.wake.readsWithoutTimestamp),
                    ("consumers.slowStreams", cell.consumers.slowStreams), ("failuresDropped", cell.failuresDropped),
                    ("completeSizeUnverified", cell.completeSizeUnverified ?? 0),
                    ("deadlines.client", cell.deadlines?.client ?? 0), ("deadlines.server", cell.deadlines?.server ?? 0),
                    ("flowControl.windowUpdateFramesSent", cell.flowControl.windowUpdateFramesSent),
                    ("flowControl.windowUpdateBytesSent", cell.flowControl.windowUpdateBytesSent),
                    ("flowControl.server.streamStalls", cell.flowControl.server?.streamStalls ?? 0),
                    ("flowControl.server.connectionStalls", cell.flowControl.server?.connectionStalls ?? 0),
                    ("openLoop.intendedStarts", cell.openLoop?.intendedStarts ?? 0), ("openLoop.lateStarts", cell.openLoop?.lateStarts ?? 0),
                    ("openLoop.serviceTime.count", Int(clamping: cell.openLoop?.serviceTime?.count ?? 0))]
        for row in cell.faults ?? [] { figures += outcomes(row.streams, "faults[\(row.fault)].streams.") }
        for sample in cell.series {
            figures += [("series[\(sample.second)].bytes", sample.bytes), ("series[\(sample.second)].messages", sample.messages),
                        ("series[\(sample.second)].streamsCompleted", sample.streamsCompleted)]
            figures += sample.outcomes.map { ("series[\(sample.second)].outcomes.\($0.key)", $0.value) }
        }
        if let (name, value) = figures.first(where: { !(0...maxFigure).contains($0.1) }) {
            throw damaged(part, name, value)
        }
    }

    /// The refusal of a shard whose figure `name` is out of range (see ``checkFigures(_:)``).
    static func damaged(_ part: Part, _ name: String, _ value: Int) -> Failure {
        Failure(description: "shard \(part.label), cell `\(part.cell.id)`: `\(name)` is \(value), outside 0…2^48; "
                + "its run.json is damaged (written by hand, cut or corrupted), so the merge would not be exact")
    }
}

