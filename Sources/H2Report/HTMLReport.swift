import H2Profile
import H2Results

/// Renders `report.html`: one self-contained page (no network access, no scripts, no external fonts or
/// styles) with the run header, a headline, the per-cell summary table (the same figures as `report.md`),
/// charts drawn as inline SVG, the flow-control table, the environment and the notes.
///
/// Charts (see ``HTMLReport`` + Charts): throughput vs driver threads (and vs server threads when that axis
/// varies), wake latency p50/p99 vs threads, stream outcomes per cell, latency percentile curves, and
/// per-second series as small multiples. Every chart is an `<svg data-chart="…">` whose series are
/// `<g data-series="…">` elements; missing figures are gaps, never zeros.
///
/// Like ``MarkdownReport`` it depends only on the ``RunResult`` (no clock, no environment).
public enum HTMLReport {
    /// The whole page.
    public static func render(_ run: RunResult) -> String {
        let title = "h2stress run \(run.runID)"
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(SVGMarkup.escaped(title))</title>\n<style>\n\(styleSheet)</style>\n</head>\n<body>\n<main>\n"
        out += "<h1>h2stress run <code>\(SVGMarkup.escaped(run.runID))</code></h1>\n"
        out += header(run)
        out += headline(run)
        out += "<h2 id=\"cells\">Cells</h2>\n"
        if run.cells.isEmpty {
            out += "<p>No cell has finished yet.</p>\n"
        } else {
            out += table(CellTable.make(run), highlighting: ["truncated", "other fail"])
            out += "<p class=\"legend-text\"><em>other fail</em>: every outcome except complete, truncated and unfinished. "
            out += "MB = 10<sup>6</sup> bytes. Latencies in ms (ttfb = time to first byte, gap = inter-message gap, "
            out += "dur = stream duration); wake = <code>wakePoll</code> in µs; – = nothing recorded; n/a = not measurable. "
            out += "<em>cpu s</em> = driver user + system CPU seconds; <em>RSS MB</em> = driver peak resident set.</p>\n"
            out += charts(run)
            out += "<h2 id=\"flow-control\">Flow control and consumers</h2>\n"
            out += table(MarkdownReport.flowControlTable(run), highlighting: [])
            out += "<p class=\"legend-text\">\(emphasis(MarkdownReport.flowControlLegend))</p>\n"
            if let consumed = MarkdownReport.consumedTable(run) {
                out += "<h2 id=\"consumed\">Transport and consumer</h2>\n"
                out += table(consumed, highlighting: [])
                out += "<p class=\"legend-text\">\(emphasis(MarkdownReport.consumedLegend))</p>\n"
            }
            let faults = MarkdownReport.faultTables(run, codeSpans: false)
            if !faults.isEmpty {
                out += "<h2 id=\"faults\">Faults</h2>\n"
                out += "<p class=\"legend-text\">\(emphasis(MarkdownReport.faultsLegend))</p>\n"
                for (cell, faultTable) in faults {
                    out += "<h3><code>\(SVGMarkup.escaped(cell))</code></h3>\n"
                    out += table(faultTable, highlighting: [])
                }
            }
            if let target = MarkdownReport.targetProcessTable(run) {
                out += "<h2 id=\"target-process\">Target process</h2>\n"
                out += table(target, highlighting: [])
                out += "<p class=\"legend-text\">\(emphasis(MarkdownReport.targetProcessLegend))</p>\n"
                if let launch = MarkdownReport.targetLaunchTable(run, codeSpans: false) {
                    out += table(launch, highlighting: [])
                    out += "<p class=\"legend-text\">\(emphasis(MarkdownReport.targetLaunchLegend))</p>\n"
                }
            }
            if let integrity = MarkdownReport.integrityTable(run) {
                out += "<h2 id=\"integrity\">Integrity checks</h2>\n"
                out += table(integrity, highlighting: [])
                out += "<p class=\"legend-text\">\(emphasis(MarkdownReport.integrityLegend))</p>\n"
            }
            out += openLoop(run)
        }
        out += shards(run)
        out += environment(run)
        out += notes(run)
        out += "<footer>Written by \(SVGMarkup.escaped(run.tool.name)) \(SVGMarkup.escaped(run.tool.version)) from "
        out += "<code>run.json</code> (schema <code>\(SVGMarkup.escaped(run.schema))</code>). Abnormal streams and "
        out += "connection errors: <code>report.md</code> and <code>run.json</code> in the same directory.</footer>\n"
        return out + "</main>\n</body>\n</html>\n"
    }

    private static func header(_ run: RunResult) -> String {
        var out = "<dl class=\"header\">\n"
        var status = "<span class=\"status status-\(run.status.rawValue)\">\(run.status.rawValue)</span> · started \(SVGMarkup.escaped(run.startedAt))"
        if let finished = run.finishedAt { status += " · finished \(SVGMarkup.escaped(finished))" }
        out += "<dt>Status</dt><dd>\(status)</dd>\n"
        out += "<dt>Profile</dt><dd><code>\(SVGMarkup.escaped(run.profileName))</code> (<code>\(SVGMarkup.escaped(run.profileFile))</code>)"
        if let description = run.profile["description"]?.stringValue, !description.isEmpty {
            out += " — \(SVGMarkup.escaped(description))"
        }
        out += "</dd>\n<dt>Target</dt><dd>\(SVGMarkup.escaped(run.target))"
        if let note = MarkdownReport.perCellTargetNote(run) { out += " (\(emphasis(note)))" }
        out += "</dd>\n"
        return out + "</dl>\n"
    }

    /// One line for a quick verdict: streams, truncations, other failures, worst wake p99.
    private static func headline(_ run: RunResult) -> String {
        guard !run.cells.isEmpty else { return "" }
        var total = OutcomeCounts()
        for cell in run.cells { total.add(cell.streams) }
        var parts = ["\(run.cells.count) cell\(run.cells.count == 1 ? "" : "s")",
                     "\(NumberText.grouped(total.complete)) streams complete"]
        let truncatedClass = total.truncated > 0 ? "bad" : "good"
        parts.append("<span class=\"\(truncatedClass)\">\(NumberText.grouped(total.truncated)) truncated</span>")
        let others = total.failed - total.truncated
        parts.append("<span class=\"\(others > 0 ? "bad" : "good")\">\(NumberText.grouped(others)) other failures</span>")
        parts.append("\(NumberText.grouped(total.unfinished)) unfinished")
        let wakes = run.cells.filter { $0.wake.available && !$0[.wakePoll].isEmpty }
        if let worst = wakes.max(by: { $0[.wakePoll].p99 < $1[.wakePoll].p99 }) {
            parts.append("worst wake p99 \(SVGMarkup.duration(micros: worst[.wakePoll].p99)) (<code>\(SVGMarkup.escaped(worst.id))</code>)")
        } else {
            parts.append("wake latency n/a")
        }
        var out = "<p class=\"headline\">" + parts.joined(separator: " · ") + "</p>\n"
        if let note = MarkdownReport.sizeUnverifiedNote(run) { out += "<p class=\"legend-text\">\(emphasis("Size not verified: " + note))</p>\n" }
        return out
    }

    private static func openLoop(_ run: RunResult) -> String {
        let cells = run.cells.filter { $0.openLoop != nil }
        guard !cells.isEmpty else { return "" }
        var out = "<h2 id=\"open-loop\">Open loop</h2>\n<ul>\n"
        for cell in cells {
            guard let open = cell.openLoop else { continue }
            out += "<li><code>\(SVGMarkup.escaped(cell.id))</code>: \(SVGMarkup.escaped(MarkdownReport.openLoopSummary(open)))</li>\n"
        }
        return out + "</ul>\n<p class=\"legend-text\">\(SVGMarkup.escaped(MarkdownReport.openLoopLegend))</p>\n"
    }

    private static func environment(_ run: RunResult) -> String {
        let env = run.environment
        var out = "<h2 id=\"environment\">Environment</h2>\n<dl class=\"header\">\n"
        out += "<dt>Host</dt><dd><code>\(SVGMarkup.escaped(env.host))</code> · \(env.cores) cores</dd>\n"
        out += "<dt>System</dt><dd>\(SVGMarkup.escaped(env.os)) · \(SVGMarkup.escaped(env.kernel))</dd>\n"
        out += "<dt>Libraries</dt><dd>nghttp2 \(SVGMarkup.escaped(env.nghttp2Version))"
        if let swift = env.swiftVersion { out += " · Swift \(SVGMarkup.escaped(swift))" }
        out += "</dd>\n<dt>Tool</dt><dd>\(SVGMarkup.escaped(run.tool.name)) \(SVGMarkup.escaped(run.tool.version))</dd>\n"
        return out + "</dl>\n"
    }

    /// The shard's share per cell, or a merged run's per-shard table (``MarkdownReport/shards(_:)``).
    private static func shards(_ run: RunResult) -> String {
        if let merged = MarkdownReport.mergedShardTable(run) {
            return "<h2 id=\"shards\">Shards</h2>\n<p>\(SVGMarkup.escaped(MarkdownReport.mergedShardSummary(run)))</p>\n"
                + table(merged, highlighting: []) + "<p class=\"legend-text\">\(emphasis(MarkdownReport.mergedShardLegend))</p>\n"
        }
        guard let shard = MarkdownReport.shardTable(run) else { return "" }
        return "<h2 id=\"shard\">Shard</h2>\n<p>\(SVGMarkup.escaped(MarkdownReport.inline(MarkdownReport.shardSummary(run))))</p>\n" + table(shard, highlighting: [])
    }

    private static func notes(_ run: RunResult) -> String {
        var items = run.notes.map { "<li>\(SVGMarkup.escaped(MarkdownReport.inline($0)))</li>" }
        for cell in run.cells {
            items += cell.notes.map { "<li><code>\(SVGMarkup.escaped(cell.id))</code>: \(SVGMarkup.escaped(MarkdownReport.inline($0)))</li>" }
        }
        for entry in wakeNotes(run) {
            let cells = entry.cells.map { "<code>\(SVGMarkup.escaped($0))</code>" }.joined(separator: ", ")
            items.append("<li>wake: \(SVGMarkup.escaped(entry.note)): \(cells)</li>")
        }
        let body = items.isEmpty ? "<p>None.</p>\n" : "<ul>\n" + items.joined(separator: "\n") + "\n</ul>\n"
        return "<h2 id=\"notes\">Notes</h2>\n" + body
    }

    /// Each distinct wake note once, with the ids of the cells it applies to, in run order.
    static func wakeNotes(_ run: RunResult) -> [(note: String, cells: [String])] {
        var notes: [(note: String, cells: [String])] = []
        for cell in run.cells {
            guard let note = cell.wake.note else { continue }
            if let index = notes.firstIndex(where: { $0.note == note }) {
                notes[index].cells.append(cell.id)
            } else {
                notes.append((note, [cell.id]))
            }
        }
        return notes
    }

    /// A ``TextTable`` as an HTML table in a horizontally scrolling wrapper; right-aligned columns get class
    /// `num`; in the columns titled in `highlighting`, values other than 0 get class `bad`.
    static func table(_ table: TextTable, highlighting: Set<String>) -> String {
        var out = "<div class=\"table-wrap\"><table>\n<thead><tr>"
        for column in table.columns {
            out += "<th\(column.alignment == .right ? " class=\"num\"" : "")>\(SVGMarkup.escaped(column.title))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            out += "<tr>"
            for (column, value) in zip(table.columns, row) {
                var classes: [String] = []
                if column.alignment == .right { classes.append("num") }
                if highlighting.contains(column.title), value != "0", value != NumberText.dash { classes.append("bad") }
                let attribute = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
                out += "<td\(attribute)>\(SVGMarkup.escaped(value))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    /// Markdown `*emphasis*` and `` `code` `` of a fixed legend text as HTML (the text is escaped first).
    static func emphasis(_ markdown: String) -> String {
        var out = ""
        var inEmphasis = false
        var inCode = false
        for character in SVGMarkup.escaped(markdown) {
            if character == "*", !inCode {
                out += inEmphasis ? "</em>" : "<em>"
                inEmphasis.toggle()
            } else if character == "`" {
                out += inCode ? "</code>" : "<code>"
                inCode.toggle()
            } else {
                out.append(character)
            }
        }
        if inEmphasis { out += "</em>" }
        if inCode { out += "</code>" }
        return out
    }

    static let styleSheet = """
    :root { color-scheme: light; }
    body { margin: 0; background: #FAFAFA; color: #222; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
    main { max-width: 1240px; margin: 0 auto; padding: 16px 20px 40px; }
    h1 { font-size: 22px; margin: 8px 0 12px; }
    h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid #DDD; padding-bottom: 4px; }
    h3 { font-size: 15px; margin: 18px 0 6px; }
    code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
    dl.header { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 10px; }
    dl.header dt { font-weight: 600; }
    dl.header dd { margin: 0; }
    .headline { font-size: 15px; padding: 8px 12px; background: #FFF; border: 1px solid #DDD; border-radius: 4px; }
    .bad { color: #B34700; font-weight: 700; }
    .good { color: #00734F; }
    .status-complete { color: #00734F; font-weight: 600; }
    .status-interrupted, .status-running { color: #8A6100; font-weight: 600; }
    .status-failed { color: #B34700; font-weight: 700; }
    .table-wrap { overflow-x: auto; background: #FFF; border: 1px solid #DDD; border-radius: 4px; }
    table { border-collapse: collapse; font-size: 12px; white-space: nowrap; }
    th, td { padding: 3px 6px; border-bottom: 1px solid #EEE; text-align: left; }
    th { background: #F0F0F0; white-space: normal; vertical-align: bottom; min-width: 3.5em; }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
    tbody tr:hover { background: #F5F9FF; }
    .legend-text { color: #555; font-size: 12.5px; }
    .charts { display: flex; flex-wrap: wrap; gap: 16px; }
    figure { margin: 0; background: #FFF; border: 1px solid #DDD; border-radius: 4px; padding: 8px; max-width: 100%; }
    figcaption { color: #555; font-size: 12.5px; max-width: 570px; margin-top: 4px; }
    svg.chart { display: block; max-width: 100%; height: auto; }
    .multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(590px, 1fr)); gap: 12px; }
    .multiples figure { display: flex; flex-wrap: wrap; gap: 4px; align-items: flex-start; }
    .multiples h3 { width: 100%; margin: 0 0 2px; font-size: 13px; }
    .na { color: #8A6100; font-size: 12.5px; padding: 8px; max-width: 280px; }
    footer { margin-top: 32px; color: #777; font-size: 12px; }

    """
}
