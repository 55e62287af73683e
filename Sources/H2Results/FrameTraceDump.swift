/// The frame trace of one abnormal stream, handed by the driver to the report writer, which turns
/// it into `frames/<cell>-c<connection>-s<stream>.txt` and `.jsonl`.
///
/// Threading: a value; built on a worker thread, carried across at join.
public struct FrameTraceDump: Sendable, Codable, Equatable {
    /// Most dumps kept per cell; the caller counts the rest and passes that number to the writer.
    public static let capPerCell = 50

    /// Id of the cell the stream ran in (e.g. `window-1m/t2/r1`); may be left empty by the driver
    /// and filled in by the runner.
    public var cellID: String
    /// Connection index within the cell (as in `StreamFailure.connection`).
    public var connection: Int
    /// HTTP/2 stream id on that connection.
    public var streamID: Int32
    /// The stream's outcome, a `StreamOutcome` raw value (e.g. `reset`).
    public var outcome: String
    /// One human-readable sentence on what went wrong.
    public var detail: String
    /// `CLOCK_MONOTONIC` ns when the connection was opened; times in the text form are relative to it.
    public var connectionStartNanos: UInt64
    /// `CLOCK_MONOTONIC` ns when the stream was opened, when known.
    public var streamStartNanos: UInt64?
    /// `CLOCK_MONOTONIC` ns when the stream ended (the moment the snapshot was taken around, or
    /// the last frame the driver sent because of the outcome, see ``appendFramesSentForOutcome(_:)``);
    /// the text form marks this point.
    public var streamEndNanos: UInt64
    /// The connection's frames around the end merged with the stream's own last frames, oldest
    /// first, each once (``FrameTrace/snapshot(around:stream:tail:before:after:)``).
    public var entries: [FrameTraceEntry]

    /// Creates a dump.
    public init(cellID: String, connection: Int, streamID: Int32, outcome: String, detail: String,
                connectionStartNanos: UInt64, streamStartNanos: UInt64? = nil, streamEndNanos: UInt64,
                entries: [FrameTraceEntry]) {
        self.cellID = cellID
        self.connection = connection
        self.streamID = streamID
        self.outcome = outcome
        self.detail = detail
        self.connectionStartNanos = connectionStartNanos
        self.streamStartNanos = streamStartNanos
        self.streamEndNanos = streamEndNanos
        self.entries = entries
    }

    /// Adds the frames the driver wrote because of the outcome, after the snapshot was taken
    /// (a deadline's RST_STREAM(CANCEL)), and moves the end to the last of them, so that they
    /// come before the "ended" marker of the text form.
    public mutating func appendFramesSentForOutcome(_ sent: [FrameTraceEntry]) {
        let newest = entries.last?.sequence
        for entry in sent where newest.map({ entry.sequence > $0 }) ?? true {
            entries.append(entry)
            streamEndNanos = max(streamEndNanos, entry.time)
        }
    }
}
