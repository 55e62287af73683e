import H2Profile

/// Reading a gate metric out of a cell result (the metric names are the profile's; the figures
/// are the results').
extension GateMetric {
    /// The metric's value in `cell`, in ``unit``; `nil` when the cell did not measure it (a latency metric
    /// with nothing recorded or unavailable wake figures, no server flow-control figures, a closed-loop cell's
    /// `openLoop.*`).
    public func value(in cell: CellResult) -> Double? {
        if let outcome = StreamOutcome(rawValue: name) { return Double(cell.streams[outcome]) }
        switch name {
        case "unfinished": return Double(cell.streams.unfinished)
        case "failed": return Double(cell.streams.failed)
        case "throughput.bytesPerSecond": return cell.throughput.bytesPerSecond
        case "throughput.messagesPerSecond": return cell.throughput.messagesPerSecond
        case "throughput.streamsPerSecond": return cell.throughput.streamsPerSecond
        case "flowControl.streamZeroWindowSeconds": return cell.flowControl.streamZeroWindowSeconds
        case "flowControl.connectionZeroWindowSeconds": return cell.flowControl.connectionZeroWindowSeconds
        case "flowControl.windowUpdateFramesSent": return Double(cell.flowControl.windowUpdateFramesSent)
        case "flowControl.windowUpdateBytesSent": return Double(cell.flowControl.windowUpdateBytesSent)
        case "flowControl.server.streamStalls": return cell.flowControl.server.map { Double($0.streamStalls) }
        case "flowControl.server.connectionStalls": return cell.flowControl.server.map { Double($0.connectionStalls) }
        case "flowControl.server.streamStallSeconds": return cell.flowControl.server?.streamStallSeconds
        case "flowControl.server.connectionStallSeconds": return cell.flowControl.server?.connectionStallSeconds
        case "openLoop.lateStarts": return cell.openLoop.map { Double($0.lateStarts) }
        case "openLoop.achievedRate": return cell.openLoop?.achievedRate
        case "connectionErrors": return Double(cell.connectionErrors.count)
        default: break
        }
        let parts = name.split(separator: ".")
        guard parts.count == 2, let summary = cell.latency[String(parts[0])], !summary.isEmpty else { return nil }
        switch parts[1] {
        case "p50": return summary.p50
        case "p90": return summary.p90
        case "p99": return summary.p99
        case "p999": return summary.p999
        case "max": return summary.max
        case "mean": return summary.mean
        case "min": return summary.min
        default: return nil
        }
    }
}
