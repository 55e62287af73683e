/// Names of the latency distributions a cell records; raw values are the keys of `latency` in `run.json`.
///
/// Every metric is measured on `CLOCK_MONOTONIC` in nanoseconds and reported in microseconds.
public enum LatencyMetric: String, Sendable, Codable, CaseIterable {
    /// Time to first byte: from submitting the request's HEADERS to the first DATA payload byte of the response.
    case ttfb
    /// Stream duration: from submitting the request's HEADERS to the stream's outcome being decided.
    case streamDuration
    /// Inter-message gap: time between two consecutive complete messages (or DATA frames for plain HTTP) of one stream.
    case messageGap
}
