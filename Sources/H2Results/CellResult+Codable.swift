/// Decoding that accepts `run.json` files written before the issue-3 sections existed; encoding is synthesized
/// from ``CellResult/CodingKeys`` (absent optionals are left out).
extension CellResult {
    enum CodingKeys: String, CodingKey {
        case index, id, threads, serverThreads, variant, `repeat`, durationSeconds, streams, throughput, latency
        case wake, histograms, flowControl, series, openLoop, consumers, deadlines, checksum, completeSizeUnverified
        case cpu, peakRSSBytes, bytesReceived, messagesReceived, streamsStarted, connectionsOpened, connectionErrors
        case failures, failuresDropped, faults, notes, target
    }

    /// The ``wake`` given to cells from files that predate it: unavailable, no reads counted.
    static let wakeNotRecorded: WakeAvailability = {
        var wake = WakeAvailability(readsWithTimestamp: 0, readsWithoutTimestamp: 0)
        wake.note = "not recorded (written before wake figures existed)"
        return wake
    }()

    /// Decodes a cell; the issue-3 sections default to: wake not recorded, no histograms, zero flow-control
    /// figures without a server part, an empty series, no open loop, no slow consumers.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        id = try c.decode(String.self, forKey: .id)
        threads = try c.decode(Int.self, forKey: .threads)
        serverThreads = try c.decode(Int.self, forKey: .serverThreads)
        variant = try c.decode(String.self, forKey: .variant)
        self.repeat = try c.decode(Int.self, forKey: .repeat)
        durationSeconds = try c.decode(Double.self, forKey: .durationSeconds)
        streams = try c.decode(OutcomeCounts.self, forKey: .streams)
        throughput = try c.decode(Throughput.self, forKey: .throughput)
        latency = try c.decode([String: LatencySummary].self, forKey: .latency)
        wake = try c.decodeIfPresent(WakeAvailability.self, forKey: .wake) ?? Self.wakeNotRecorded
        histograms = try c.decodeIfPresent([String: String].self, forKey: .histograms) ?? [:]
        flowControl = try c.decodeIfPresent(FlowControlResult.self, forKey: .flowControl)
            ?? FlowControlResult(FlowControlMeasurements(), server: nil)
        series = try c.decodeIfPresent([SecondSample].self, forKey: .series) ?? []
        openLoop = try c.decodeIfPresent(OpenLoopResult.self, forKey: .openLoop)
        consumers = try c.decodeIfPresent(ConsumerResult.self, forKey: .consumers)
            ?? ConsumerResult(delayNanoseconds: 0, slowStreams: 0)
        deadlines = try c.decodeIfPresent(DeadlineSources.self, forKey: .deadlines)
        checksum = try c.decodeIfPresent(ChecksumCoverage.self, forKey: .checksum)
        completeSizeUnverified = try c.decodeIfPresent(Int.self, forKey: .completeSizeUnverified)
        cpu = try c.decode(CPUUsage.self, forKey: .cpu)
        peakRSSBytes = try c.decode(UInt64.self, forKey: .peakRSSBytes)
        bytesReceived = try c.decode(Int.self, forKey: .bytesReceived)
        messagesReceived = try c.decode(Int.self, forKey: .messagesReceived)
        streamsStarted = try c.decode(Int.self, forKey: .streamsStarted)
        connectionsOpened = try c.decode(Int.self, forKey: .connectionsOpened)
        connectionErrors = try c.decode([String].self, forKey: .connectionErrors)
        failures = try c.decode([StreamFailure].self, forKey: .failures)
        failuresDropped = try c.decode(Int.self, forKey: .failuresDropped)
        faults = try c.decodeIfPresent([FaultOutcome].self, forKey: .faults)
        notes = try c.decode([String].self, forKey: .notes)
        target = try c.decodeIfPresent(TargetProcessResult.self, forKey: .target)
    }
}
