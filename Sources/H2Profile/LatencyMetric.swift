/// Names of the latency distributions a cell records; raw values are the keys of `latency` (and of
/// `histograms`) in `run.json`.
///
/// Every metric is recorded in nanoseconds and reported in microseconds. ``ttfb``,
/// ``streamDuration`` and ``messageGap`` are measured on `CLOCK_MONOTONIC`; ``wakePoll``,
/// ``wakeDispatch`` and ``delivery`` subtract a `CLOCK_REALTIME` stamp (kernel or server) from a
/// `CLOCK_REALTIME` reading taken on the worker thread.
public enum LatencyMetric: String, Sendable, Codable, CaseIterable {
    /// Time to first byte: from submitting the request's HEADERS to the end of the response's first header block
    /// (the response HEADERS), as h2load's `time to 1st byte` counts it.
    case ttfb
    /// Stream duration: from submitting the request's HEADERS to the stream's outcome being decided.
    case streamDuration
    /// Consumed stream duration: from submitting the request's HEADERS until the stream's consumer has taken
    /// the last message that arrived. A slow consumer keeps taking buffered messages after the transport is done
    /// (trailers arrived), as a gRPC application does, so this is the figure comparable to a gRPC client's call
    /// duration; equal to ``streamDuration`` for a stream whose consumer kept up. Recorded only in cells with a
    /// consumer model (`consumers` or `windowUpdate: on-consume`).
    case consumedDuration
    /// Inter-message gap: time between two consecutive complete messages (or DATA frames for plain HTTP) of one stream.
    case messageGap
    /// Wake latency, poll part: the time the worker thread ran the first `recvmsg` of a wake minus the kernel's
    /// software receive timestamp (`SO_TIMESTAMPING`) of the bytes that read returned. One value per wake that
    /// read bytes carrying a timestamp. How long ready data waited for its thread.
    case wakePoll
    /// Wake latency, dispatch part: the time a complete message (plain HTTP: a DATA chunk) was handed to its
    /// consumer minus the kernel receive timestamp of the read that completed it. One value per message.
    case wakeDispatch
    /// One-way delivery: consumer hand-off minus the embedded server's send stamp (`CLOCK_REALTIME`, same host).
    /// One value per stamped message; absent for targets that do not stamp.
    case delivery

    /// The metrics every cell reports, recorded or not (`count: 0` when nothing was recorded); the others
    /// appear in `latency` only when they recorded at least one value.
    public static let alwaysReported: [LatencyMetric] = [.ttfb, .streamDuration, .messageGap]

    /// The metrics that need kernel receive timestamps; see ``WakeAvailability``.
    public static let needsReceiveTimestamps: [LatencyMetric] = [.wakePoll, .wakeDispatch]
}
