import H2Stress

/// The compact plain-text table printed to the terminal at the end of a run.
public enum SummaryTable {
    /// One aligned row per cell with the key figures (same columns as the report's table), then a one-line total.
    public static func render(_ run: RunResult) -> String {
        guard !run.cells.isEmpty else { return "no cells ran\n" }
        var total = OutcomeCounts()
        for cell in run.cells { total.add(cell.streams) }
        return CellTable.make(run).plain()
            + "MB = 10^6 bytes; latencies in ms; – = nothing recorded. "
            + "\(run.cells.count) cells, \(NumberText.grouped(total.complete)) streams complete, "
            + "\(NumberText.grouped(total.truncated)) truncated, \(NumberText.grouped(total.failed - total.truncated)) other failures, "
            + "\(NumberText.grouped(total.unfinished)) unfinished.\n"
    }
}
