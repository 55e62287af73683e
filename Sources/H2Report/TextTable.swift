/// A table of strings rendered with padded, aligned columns, as GitHub Markdown or plain text.
package struct TextTable {
    /// How a column's cells are padded.
    package enum Alignment {
        case left, right
    }

    /// A column's header and alignment.
    package struct Column {
        package var title: String
        package var alignment: Alignment

        package init(title: String, alignment: Alignment) {
            self.title = title
            self.alignment = alignment
        }
    }

    var columns: [Column]
    var rows: [[String]] = []

    package init(_ columns: [Column]) {
        self.columns = columns
    }

    package mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "BUG DETECTED: row has \(row.count) cells, table has \(columns.count) columns")
        rows.append(row)
    }

    /// `| a | b |` rows with a `| --- | --: |` separator; `|` in cells is escaped, newlines become spaces.
    package func markdown() -> String {
        let header = columns.map { Self.markdownCell($0.title) }
        let body = rows.map { $0.map(Self.markdownCell) }
        let widths = Self.widths([header] + body, minimum: 3)
        var lines: [String] = []
        lines.append(line(header, widths: widths, open: "| ", separator: " | ", close: " |"))
        let rule = zip(columns, widths).map { column, width in
            column.alignment == .right ? String(repeating: "-", count: width - 1) + ":" : String(repeating: "-", count: width)
        }
        lines.append("| " + rule.joined(separator: " | ") + " |")
        for row in body {
            lines.append(line(row, widths: widths, open: "| ", separator: " | ", close: " |"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Columns separated by two spaces, a dashed rule under the header, no trailing spaces.
    package func plain() -> String {
        let header = columns.map { Self.plainCell($0.title) }
        let body = rows.map { $0.map(Self.plainCell) }
        let widths = Self.widths([header] + body, minimum: 1)
        var lines: [String] = []
        lines.append(line(header, widths: widths, open: "", separator: "  ", close: ""))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in body {
            lines.append(line(row, widths: widths, open: "", separator: "  ", close: ""))
        }
        return lines.map { Self.trimTrailingSpaces($0) }.joined(separator: "\n") + "\n"
    }

    private func line(_ cells: [String], widths: [Int], open: String, separator: String, close: String) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let padding = String(repeating: " ", count: widths[index] - cell.count)
            parts.append(columns[index].alignment == .right ? padding + cell : cell + padding)
        }
        return open + parts.joined(separator: separator) + close
    }

    private static func widths(_ table: [[String]], minimum: Int) -> [Int] {
        guard let first = table.first else { return [] }
        var widths = Array(repeating: minimum, count: first.count)
        for row in table {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return widths
    }

    private static func markdownCell(_ text: String) -> String {
        String(plainCell(text).flatMap { $0 == "|" ? ["\\", "|"] : [$0] })
    }

    private static func plainCell(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    private static func trimTrailingSpaces(_ text: String) -> String {
        var result = text
        while result.last == " " { result.removeLast() }
        return result
    }
}
