import H2Results

/// The *Transport and consumer* section: how long streams took at the transport (trailers
/// arrived) and until their consumer had taken the last message, and whose timer ended the
/// `deadline` streams. Shared by report.md and report.html.
extension MarkdownReport {
    /// One row per cell that recorded consumed durations or had `deadline` streams; nil when none did.
    static func consumedTable(_ run: RunResult) -> TextTable? {
        let cells = run.cells.filter { !$0[.consumedDuration].isEmpty || $0.deadlines != nil }
        guard !cells.isEmpty else { return nil }
        var table = TextTable([
            .init(title: "cell", alignment: .left),
            .init(title: "transport p50 ms", alignment: .right),
            .init(title: "p99 ms", alignment: .right),
            .init(title: "consumed p50 ms", alignment: .right),
            .init(title: "p99 ms", alignment: .right),
            .init(title: "deadline: client", alignment: .right),
            .init(title: "server", alignment: .right),
            .init(title: "arrived p50", alignment: .right),
            .init(title: "taken p50", alignment: .right),
        ])
        for cell in cells {
            let transport = cell[.streamDuration], consumed = cell[.consumedDuration]
            let arrived = cell.failures.map(\.messagesReceived)
            let taken = cell.failures.compactMap(\.messagesTaken)
            table.append([
                cell.id,
                CellTable.milliseconds(transport, \.p50), CellTable.milliseconds(transport, \.p99),
                CellTable.milliseconds(consumed, \.p50), CellTable.milliseconds(consumed, \.p99),
                cell.deadlines.map { NumberText.grouped($0.client) } ?? NumberText.dash,
                cell.deadlines.map { NumberText.grouped($0.server) } ?? NumberText.dash,
                median(arrived).map(NumberText.grouped) ?? NumberText.dash,
                median(taken).map(NumberText.grouped) ?? NumberText.dash,
            ])
        }
        return table
    }

    static let consumedLegend = "*transport*: request HEADERS to the stream's outcome (trailers arrived, reset, deadline). "
        + "*consumed*: request HEADERS until the consumer has taken the last message that arrived — a gRPC application "
        + "drains its buffered messages after the transport is done, so this is the figure comparable to a gRPC client's "
        + "call time. *deadline client / server*: `deadline` streams ended by the driver's timer, or by the server "
        + "(`grpc-status: 4`, or RST_STREAM(CANCEL) after the deadline). *arrived* / *taken*: over the abnormal streams, "
        + "the median of messages that arrived (what a grpc-go `Recv()` loop returns before its error) and that the "
        + "consumer had taken when the stream ended. – = nothing recorded."

    static func consumed(_ run: RunResult) -> String {
        guard let table = consumedTable(run) else { return "" }
        return "\n## Transport and consumer\n\n" + table.markdown() + "\n" + consumedLegend + "\n"
    }

    /// The lower median of `values`; nil when empty.
    private static func median(_ values: [Int]) -> Int? {
        guard !values.isEmpty else { return nil }
        return values.sorted()[(values.count - 1) / 2]
    }
}
