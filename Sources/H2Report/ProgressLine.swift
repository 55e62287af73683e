/// The one-line live status the CLI rewrites with `\r` while a cell runs, e.g.
/// `cell 2/8 window-1m/t2 · 3.1s/5.0s · 12,345 streams · 1,234.5 MB/s`.
///
/// Pure formatting: the caller supplies the figures.
public struct ProgressLine: Sendable, Equatable {
    /// 1-based number of the running cell.
    public var cellNumber: Int
    /// Cells in the run.
    public var cellCount: Int
    /// The running cell's id.
    public var cellID: String
    /// A phase shown before the clock, e.g. `warm-up`; `nil` during the measured duration.
    public var phase: String?
    /// Seconds elapsed in the current phase.
    public var elapsedSeconds: Double
    /// Planned seconds of the current phase.
    public var durationSeconds: Double
    /// Streams finished so far in the cell (any outcome).
    public var streams: Int
    /// Current DATA payload receive rate, bytes per second.
    public var bytesPerSecond: Double

    /// Creates a status line's figures.
    public init(cellNumber: Int, cellCount: Int, cellID: String, phase: String? = nil,
                elapsedSeconds: Double, durationSeconds: Double, streams: Int, bytesPerSecond: Double) {
        self.cellNumber = cellNumber
        self.cellCount = cellCount
        self.cellID = cellID
        self.phase = phase
        self.elapsedSeconds = elapsedSeconds
        self.durationSeconds = durationSeconds
        self.streams = streams
        self.bytesPerSecond = bytesPerSecond
    }

    /// The formatted line (no `\r`, no newline). MB = 10^6 bytes.
    public func render() -> String {
        let clock = "\(NumberText.fixed(elapsedSeconds, decimals: 1))s/\(NumberText.fixed(durationSeconds, decimals: 1))s"
        return "cell \(cellNumber)/\(cellCount) \(cellID) · "
            + (phase.map { "\($0) " } ?? "") + clock
            + " · \(NumberText.grouped(streams)) streams · \(NumberText.fixed(bytesPerSecond / 1_000_000, decimals: 1)) MB/s"
    }
}
