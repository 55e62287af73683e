import H2Profile
import H2Results

/// Renders `report.md`: run header, per-cell table, failure breakdown, wake latency, flow control and
/// consumers, open loop, per-second series, abnormal streams, connection errors, notes.
///
/// Output is valid GitHub Markdown and readable as plain text (columns padded and aligned).
/// It depends only on the ``RunResult`` (no clock, no environment), so it is golden-testable.
public enum MarkdownReport {
    /// Most abnormal streams listed per cell; the rest are summarised as "… and N more".
    public static let failuresShownPerCell = 20

    /// The whole report, without gate verdicts.
    public static func render(_ run: RunResult) -> String {
        render(run, gate: nil)
    }

    /// The whole report: headline (pass/fail, truncations, worst p99 wake latency), run header, gate
    /// verdicts when `gate` is given, cells, variant comparison and scaling, then the detail sections.
    public static func render(_ run: RunResult, gate: GateReport?) -> String {
        var out = "# h2stress run `\(run.runID)`\n\n"
        out += headline(run, gate: gate) + "\n\n"
        out += header(run)
        out += gateSection(gate)
        out += "\n## Cells\n\n"
        if run.cells.isEmpty {
            out += "No cell has finished yet.\n"
        } else {
            out += CellTable.make(run).markdown()
            out += "\n*other fail*: every outcome except complete, truncated and unfinished (breakdown below). "
            out += "MB = 10^6 bytes. Latencies in ms (ttfb = time to first byte, gap = inter-message gap, "
            out += "dur = stream duration); wake = `wakePoll` in µs; – = nothing recorded; n/a = not measurable (see "
            out += "*Wake latency*). *cpu s* = driver user + system CPU seconds; *RSS MB* = driver peak resident set.\n"
        }
        out += CompareReport.withinRun(run)
        out += outcomes(run)
        out += faults(run)
        out += targetProcesses(run)
        out += wakeLatency(run)
        out += flowControl(run)
        out += consumed(run)
        out += integrityChecks(run)
        out += openLoop(run)
        out += series(run)
        out += abnormalStreams(run)
        out += connectionErrors(run)
        out += shards(run)
        out += notes(run)
        return out
    }

    private static func header(_ run: RunResult) -> String {
        let env = run.environment
        var status = "- **Status:** \(run.status.rawValue) · started \(run.startedAt)"
        if let finished = run.finishedAt { status += " · finished \(finished)" }
        status += " · \(run.tool.name) \(run.tool.version) · schema `\(run.schema)`\n"
        var environment = "- **Environment:** host `\(env.host)` · \(env.cores) cores · \(env.kernel) · \(env.os)"
        environment += " · nghttp2 \(env.nghttp2Version)"
        if let swift = env.swiftVersion { environment += " · Swift \(swift)" }
        return status + environment + "\n"
            + "- **Profile:** `\(run.profileName)` (`\(run.profileFile)`)\n"
            + "- **Target:** \(inline(run.target))\(perCellTargetNote(run).map { " (\($0))" } ?? "")\n"
    }

    /// What follows "Size not verified:" when complete streams were judged by status and
    /// END_STREAM only (shared with ``HTMLReport`` and ``SummaryTable``, each with its own
    /// label); `nil` when every complete stream's size was checked.
    public static func sizeUnverifiedNote(_ run: RunResult) -> String? {
        let unverified = run.cells.reduce(0) { $0 + ($1.completeSizeUnverified ?? 0) }
        guard unverified > 0 else { return nil }
        let complete = run.cells.reduce(0) { $0 + $1.streams.complete }
        return "\(NumberText.grouped(unverified)) of \(NumberText.grouped(complete)) complete streams were judged "
            + "by status and END_STREAM only, because nothing fixed their size (an `http.request` without `expect.size` "
            + "answered without `content-length`, or a `grpc.call` without `expect.messages`); add those to check it."
    }

    private static func outcomes(_ run: RunResult) -> String {
        var out = "\n## Stream outcomes\n\n"
        if let note = sizeUnverifiedNote(run) { out += "**Size not verified:** \(note)\n\n" }
        let abnormal = run.cells.filter { $0.streams.failed > 0 || $0.streams.unfinished > 0 }
        guard !abnormal.isEmpty else {
            return out + "Every stream that ended was complete.\n"
        }
        var table = TextTable([TextTable.Column(title: "cell", alignment: .left)]
            + StreamOutcome.allCases.filter { $0 != .complete }.map { .init(title: $0.rawValue, alignment: .right) }
            + [.init(title: "unfinished", alignment: .right), .init(title: "total", alignment: .right)])
        for cell in abnormal {
            table.append([cell.id]
                + StreamOutcome.allCases.filter { $0 != .complete }.map { NumberText.grouped(cell.streams[$0]) }
                + [NumberText.grouped(cell.streams.unfinished), NumberText.grouped(cell.streams.total)])
        }
        out += "Cells with streams that did not complete (all others: every stream complete).\n\n"
        return out + table.markdown()
    }

    /// What the faults tables show (one paragraph, Markdown emphasis; shared with ``HTMLReport``).
    static let faultsLegend = "Streams that asked the embedded target for a fault (`h2stress-fault`), by fault: the outcome each must "
        + "land in and the outcomes observed. `none` = clean streams (must be complete); `collateral of …` = clean "
        + "streams that a connection-level fault of another stream took down. ✓ = every stream as expected."

    /// Per cell with faults: fault → expected outcome → observed counts, and whether they match
    /// (shared with ``HTMLReport``; empty when no cell asked for faults).
    static func faultTables(_ run: RunResult, codeSpans: Bool) -> [(cell: String, table: TextTable)] {
        let shown = StreamOutcome.allCases
        return run.cells.compactMap { cell in
            guard let rows = cell.faults else { return nil }
            var table = TextTable([.init(title: "fault", alignment: .left), .init(title: "expected", alignment: .left),
                                   .init(title: "ok", alignment: .left)]
                + shown.map { .init(title: $0.rawValue, alignment: .right) }
                + [.init(title: "unfinished", alignment: .right), .init(title: "total", alignment: .right)])
            for row in rows {
                let ok = row.streams.total == 0 ? "–" : (row.asExpected ? "✓" : "✗")
                table.append([codeSpans ? "`\(row.fault)`" : row.fault, row.expected?.rawValue ?? "–", ok]
                    + shown.map { NumberText.grouped(row.streams[$0]) }
                    + [NumberText.grouped(row.streams.unfinished), NumberText.grouped(row.streams.total)])
            }
            return (cell.id, table)
        }
    }

    private static func faults(_ run: RunResult) -> String {
        let tables = faultTables(run, codeSpans: true)
        guard !tables.isEmpty else { return "" }
        var out = "\n## Faults\n\n" + faultsLegend + "\n"
        for (cell, table) in tables {
            out += "\n### `\(cell)`\n\n" + table.markdown()
        }
        return out
    }

    /// What the target-process table shows (shared with ``HTMLReport``).
    static let targetProcessLegend = "A managed (`command`) target's process over its whole life in the cell (start, load, "
        + "stop): *cpu s* = user + system CPU seconds (*user*, *sys*), *RSS MB* = its peak resident set (sampled every 20 ms), "
        + "*ready s* = start until its port accepted a connection, *ended* = how it ended (⚠ = before h2stress asked it to "
        + "stop). Its stdout and stderr are in the run folder under `targets/`."

    /// One row per cell with a managed target process (shared with ``HTMLReport``); nil when none.
    static func targetProcessTable(_ run: RunResult) -> TextTable? {
        let cells = run.cells.filter { $0.target != nil }
        guard !cells.isEmpty else { return nil }
        var table = TextTable([
            .init(title: "cell", alignment: .left),
            .init(title: "cpu s", alignment: .right),
            .init(title: "user", alignment: .right),
            .init(title: "sys", alignment: .right),
            .init(title: "RSS MB", alignment: .right),
            .init(title: "ready s", alignment: .right),
            .init(title: "ended", alignment: .left),
        ])
        for cell in cells {
            guard let t = cell.target else { continue }
            var ended = t.exitStatus
            if t.killedAfterGrace { ended += ", killed after the grace period" }
            if t.exitedEarly { ended = "⚠ " + ended + " (early)" }
            table.append([cell.id, NumberText.fixed(t.cpuSeconds, decimals: 2), NumberText.fixed(t.userSeconds, decimals: 2),
                          NumberText.fixed(t.systemSeconds, decimals: 2),
                          t.peakRSSBytes > 0 ? NumberText.fixed(Double(t.peakRSSBytes) / 1e6, decimals: 1) : NumberText.dash,
                          t.readySeconds.map { NumberText.fixed($0, decimals: 2) } ?? NumberText.dash, ended])
        }
        return table
    }

    /// What the target-launch table shows (shared with ``HTMLReport``).
    static let targetLaunchLegend = "How each cell's target was started: *port* = the 127.0.0.1 port h2stress waited for, "
        + "*env* = the variables it set on top of its own environment (`target.env`), *command* = the program and arguments "
        + "(`target.command`), both with the cell's placeholders substituted; arguments are quoted as a shell would need them, "
        + "but no shell ever runs them."

    /// One row per cell whose managed target recorded how it was started (shared with
    /// ``HTMLReport``); nil when none did (other targets, or files written before it was recorded).
    static func targetLaunchTable(_ run: RunResult, codeSpans: Bool) -> TextTable? {
        let cells = run.cells.filter { $0.target?.command != nil }
        guard !cells.isEmpty else { return nil }
        var table = TextTable([
            .init(title: "cell", alignment: .left),
            .init(title: "port", alignment: .right),
            .init(title: "env", alignment: .left),
            .init(title: "command", alignment: .left),
        ])
        let code: (String) -> String = { codeSpans ? codeSpan($0) : $0 }
        for cell in cells {
            guard let t = cell.target, let command = t.commandLine else { continue }
            let env = t.envText ?? ""
            table.append([cell.id, t.port.map(String.init) ?? NumberText.dash, env.isEmpty ? NumberText.dash : code(env), code(command)])
        }
        return table
    }

    private static func targetProcesses(_ run: RunResult) -> String {
        guard let table = targetProcessTable(run) else { return "" }
        var out = "\n## Target process\n\n" + table.markdown() + "\n" + targetProcessLegend + "\n"
        if let launch = targetLaunchTable(run, codeSpans: true) {
            out += "\n" + launch.markdown() + "\n" + targetLaunchLegend + "\n"
        }
        return out
    }

    /// A note for the run's target line when cells started their own target: the line names the last one.
    static func perCellTargetNote(_ run: RunResult) -> String? {
        run.cells.contains { $0.target?.command != nil }
            ? "the last cell's; every cell's command, env and port are under *Target process*" : nil
    }

    /// `text` as a Markdown code span, fenced with more backticks than it contains in a row.
    static func codeSpan(_ text: String) -> String {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + text + pad + fence
    }

    private static func abnormalStreams(_ run: RunResult) -> String {
        var out = "\n## Abnormal streams\n"
        let cells = run.cells.filter { !$0.failures.isEmpty || $0.failuresDropped > 0 }
        guard !cells.isEmpty else { return out + "\nNone recorded.\n" }
        for cell in cells {
            let recorded = cell.failures.count
            out += "\n### `\(cell.id)`\n\n"
            var table = TextTable([
                .init(title: "outcome", alignment: .left),
                .init(title: "kind", alignment: .left),
                .init(title: "conn", alignment: .right),
                .init(title: "stream", alignment: .right),
                .init(title: "messages arrived/planned", alignment: .right),
                .init(title: "taken", alignment: .right),
                .init(title: "bytes got/planned", alignment: .right),
                .init(title: "code", alignment: .left),
                .init(title: "detail", alignment: .left),
            ])
            for failure in cell.failures.prefix(failuresShownPerCell) {
                table.append([
                    failure.outcome.rawValue,
                    failure.kind,
                    String(failure.connection),
                    String(failure.streamID),
                    "\(NumberText.grouped(failure.messagesReceived))/\(failure.messagesPlanned.map(NumberText.grouped) ?? "any")",
                    failure.messagesTaken.map(NumberText.grouped) ?? NumberText.dash,
                    "\(NumberText.grouped(failure.bytesReceived))/\(failure.bytesPlanned.map(NumberText.grouped) ?? "any")",
                    code(failure),
                    failure.detail,
                ])
            }
            if recorded > 0 { out += table.markdown() }
            let more = recorded - min(recorded, failuresShownPerCell)
            if more > 0 || cell.failuresDropped > 0 {
                out += "\n… and \(NumberText.grouped(more + cell.failuresDropped)) more"
                if cell.failuresDropped > 0 {
                    out += " (\(NumberText.grouped(more)) in run.json, \(NumberText.grouped(cell.failuresDropped)) counted but not recorded)"
                } else {
                    out += " (in run.json)"
                }
                out += ".\n"
            }
        }
        return out
    }

    private static func connectionErrors(_ run: RunResult) -> String {
        let cells = run.cells.filter { !$0.connectionErrors.isEmpty }
        guard !cells.isEmpty else { return "" }
        var out = "\n## Connection errors\n\n"
        for cell in cells {
            for message in cell.connectionErrors.prefix(failuresShownPerCell) {
                out += "- `\(cell.id)`: \(inline(message))\n"
            }
            if cell.connectionErrors.count > failuresShownPerCell {
                out += "- `\(cell.id)`: … and \(cell.connectionErrors.count - failuresShownPerCell) more (in run.json)\n"
            }
        }
        return out
    }

    private static func notes(_ run: RunResult) -> String {
        var lines = run.notes.map { "- \(inline($0))" }
        for cell in run.cells {
            lines += cell.notes.map { "- `\(cell.id)`: \(inline($0))" }
        }
        return "\n## Notes\n\n" + (lines.isEmpty ? "None.\n" : lines.joined(separator: "\n") + "\n")
    }

    /// "h2 0x8, grpc 14, http 503" from whatever codes the failure carries, or "–".
    private static func code(_ failure: StreamFailure) -> String {
        var parts: [String] = []
        if let code = failure.errorCode { parts.append("h2 0x" + String(code.rawValue, radix: 16, uppercase: true)) }
        if let status = failure.grpcStatus { parts.append("grpc \(status)") }
        if let status = failure.httpStatus { parts.append("http \(status)") }
        return parts.isEmpty ? NumberText.dash : parts.joined(separator: ", ")
    }

    /// Free text on one line (newlines become spaces).
    static func inline(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
