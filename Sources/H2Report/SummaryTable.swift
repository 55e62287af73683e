import H2Results

/// The compact plain-text table printed to the terminal at the end of a run.
public enum SummaryTable {
    /// One aligned row per cell with the key figures (same columns as the report's table), a one-line total,
    /// then, once each, why wake figures show "n/a" where they do.
    public static func render(_ run: RunResult) -> String {
        guard !run.cells.isEmpty else { return "no cells ran\n" }
        var total = OutcomeCounts()
        for cell in run.cells { total.add(cell.streams) }
        return CellTable.make(run).plain()
            + "MB = 10^6 bytes; latencies in ms, wake in µs; – = nothing recorded. "
            + "\(run.cells.count) cells, \(NumberText.grouped(total.complete)) streams complete, "
            + "\(NumberText.grouped(total.truncated)) truncated, \(NumberText.grouped(total.failed - total.truncated)) other failures, "
            + "\(NumberText.grouped(total.unfinished)) unfinished.\n"
            + wakeNotes(run)
            + (MarkdownReport.sizeUnverifiedNote(run).map { "size not verified: " + $0.replacingOccurrences(of: "`", with: "") + "\n" } ?? "")
    }

    /// "wake n/a in N cells: <note>" once per distinct reason.
    private static func wakeNotes(_ run: RunResult) -> String {
        var reasons: [(note: String, cells: Int)] = []
        for cell in run.cells where !cell.wake.available {
            let note = cell.wake.note ?? "unavailable"
            if let index = reasons.firstIndex(where: { $0.note == note }) {
                reasons[index].cells += 1
            } else {
                reasons.append((note, 1))
            }
        }
        return reasons.map { "wake n/a in \($0.cells) of \(run.cells.count) cells: \($0.note).\n" }.joined()
    }
}
