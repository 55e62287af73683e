import Foundation
import H2Wire
import H2Profile
import H2Results

/// Writes the frame traces of abnormal streams into a run's `frames/` folder.
///
/// For each ``FrameTraceDump``: `<cell>-c<connection>-s<stream>.txt`, an `nghttp -v`-like text form
/// with a header naming the stream, its outcome and detail and a marker line where the stream
/// ended, and `<same>.jsonl`, one JSON object per frame (the ``FrameTraceEntry`` keys plus
/// `relativeNanos` and `typeName`). `<cell>` is the cell id with every character other than
/// letters, digits, `.`, `_` and `-` replaced by `_` (so `/` becomes `_`); a name already used in
/// this run (a reconnected connection reuses stream ids) gets `-2`, `-3`, …
/// `frames/index.json` (``Index``) lists the files per cell and how many dumps were left out.
/// Every file is replaced atomically; nothing is created for a cell with no dumps and none left out.
///
/// Threading: a value used by the runner's thread.
public struct FrameTraceWriter: Sendable {
    /// Name of the subfolder of the run directory.
    public static let directoryName = "frames"
    /// Name of the index file inside ``directoryName``.
    public static let indexFileName = "index.json"

    /// `frames/index.json`: what was written, per cell.
    public struct Index: Sendable, Codable, Equatable {
        /// Cells in the order they were written.
        public var cells: [Cell]

        /// Creates an index of `cells`.
        public init(cells: [Cell] = []) {
            self.cells = cells
        }
    }

    /// One cell's entry in ``Index``.
    public struct Cell: Sendable, Codable, Equatable {
        /// The cell id, e.g. `window-1m/t2/r1`.
        public var cellID: String
        /// One entry per dump written.
        public var files: [File]
        /// Abnormal streams of this cell whose trace was not written (beyond ``FrameTraceDump/capPerCell``).
        public var leftOut: Int

        /// Creates a cell entry.
        public init(cellID: String, files: [File], leftOut: Int) {
            self.cellID = cellID
            self.files = files
            self.leftOut = leftOut
        }
    }

    /// One dump's files in ``Index``.
    public struct File: Sendable, Codable, Equatable {
        /// Text form, relative to `frames/`.
        public var text: String
        /// JSON-lines form, relative to `frames/`.
        public var jsonl: String
        /// Connection index within the cell.
        public var connection: Int
        /// Stream id.
        public var streamID: Int32
        /// The stream's outcome.
        public var outcome: String
        /// The stream's failure detail.
        public var detail: String
        /// Frames in the trace.
        public var frames: Int

        /// Creates a file entry.
        public init(text: String, jsonl: String, connection: Int, streamID: Int32, outcome: String, detail: String, frames: Int) {
            self.text = text
            self.jsonl = jsonl
            self.connection = connection
            self.streamID = streamID
            self.outcome = outcome
            self.detail = detail
            self.frames = frames
        }
    }

    /// The run directory written into.
    public let directory: RunDirectory
    /// What has been written so far (also on disk as `frames/index.json`).
    public private(set) var index = Index()
    /// File stems used so far, to keep names unique.
    private var usedStems: Set<String> = []

    /// A writer for `directory`'s `frames/` folder (created on the first write).
    public init(directory: RunDirectory) {
        self.directory = directory
    }

    /// Path of the `frames/` folder.
    public var framesPath: String { directory.path + "/" + Self.directoryName }

    /// Writes the text and JSON-lines files of each dump of cell `cellID`, then rewrites
    /// `frames/index.json`. `leftOut` is the number of the cell's abnormal streams whose dump was not kept.
    /// Writing the same cell again adds to its index entry.
    public mutating func write(cellID: String, dumps: [FrameTraceDump], leftOut: Int) throws {
        guard !dumps.isEmpty || leftOut > 0 else { return }
        let frames = try framesDirectory()
        var files: [File] = []
        files.reserveCapacity(dumps.count)
        for dump in dumps {
            let base = Self.fileStem(cellID: cellID, connection: dump.connection, stream: dump.streamID)
            var stem = base
            var suffix = 1
            while usedStems.contains(stem) {
                suffix += 1
                stem = "\(base)-\(suffix)"
            }
            usedStems.insert(stem)
            let file = File(text: stem + ".txt", jsonl: stem + ".jsonl", connection: dump.connection,
                            streamID: dump.streamID, outcome: dump.outcome, detail: dump.detail, frames: dump.entries.count)
            try frames.writeFile(named: file.text, contents: Data(Self.renderText(dump, cellID: cellID).utf8))
            try frames.writeFile(named: file.jsonl, contents: try Self.renderJSONLines(dump))
            files.append(file)
        }
        if let i = index.cells.firstIndex(where: { $0.cellID == cellID }) {
            index.cells[i].files += files
            index.cells[i].leftOut += leftOut
        } else {
            index.cells.append(Cell(cellID: cellID, files: files, leftOut: leftOut))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var json: Data
        do {
            json = try encoder.encode(index)
        } catch {
            throw ReportError(path: framesPath + "/" + Self.indexFileName, reason: "cannot encode the index: \(error)")
        }
        json.append(0x0A)
        try frames.writeFile(named: Self.indexFileName, contents: json)
    }

    /// `<cell id, unsafe characters → _>-c<connection>-s<stream>`, without extension or uniqueness suffix.
    public static func fileStem(cellID: String, connection: Int, stream: Int32) -> String {
        let safe = String(cellID.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_"
        })
        return "\(safe.isEmpty ? "cell" : safe)-c\(connection)-s\(stream)"
    }

    // MARK: Text form

    /// The `nghttp -v`-like text form of `dump`: a header, one line per frame, a marker line where
    /// the stream ended and a note wherever frames are missing between two entries.
    /// Times are seconds since the connection opened, to the µs.
    public static func renderText(_ dump: FrameTraceDump, cellID: String) -> String {
        let start = dump.connectionStartNanos
        var out = "# h2stress frame trace (times: seconds since the connection opened)\n"
        out += "cell:       \(cellID)\n"
        out += "connection: \(dump.connection)\n"
        out += "stream:     \(dump.streamID)\n"
        out += "outcome:    \(dump.outcome)\n"
        out += "detail:     \(dump.detail)\n"
        if let opened = dump.streamStartNanos {
            out += "opened:     \(relativeTime(opened, since: start))\n"
        }
        out += "ended:      \(relativeTime(dump.streamEndNanos, since: start))\n"
        if let first = dump.entries.first, let last = dump.entries.last {
            out += "frames:     \(dump.entries.count) shown, #\(first.sequence) to #\(last.sequence) of the connection\n"
        } else {
            out += "frames:     none recorded\n"
        }
        out += "\n"
        let marker = "\(relativeTime(dump.streamEndNanos, since: start)) ---- stream \(dump.streamID) ended: \(dump.outcome) ----\n"
        var markerWritten = false
        var previous: UInt64?
        for entry in dump.entries {
            if !markerWritten && entry.time > dump.streamEndNanos {
                out += marker
                markerWritten = true
            }
            if let previous, entry.sequence > previous &+ 1 {
                out += "             ... \(entry.sequence - previous - 1) frames not shown ...\n"
            } else if previous == nil && entry.sequence > 0 {
                out += "             ... \(entry.sequence) earlier frames not shown ...\n"
            }
            out += line(entry, since: start)
            out += "\n"
            previous = entry.sequence
        }
        if !markerWritten { out += marker }
        return out
    }

    /// One frame, e.g. `[  0.123456] recv DATA frame <length=16384, flags=0x00, stream_id=13>  (conn window 49151, stream window 0)`.
    public static func line(_ entry: FrameTraceEntry, since start: UInt64) -> String {
        var text = relativeTime(entry.time, since: start)
        text += " \(entry.direction.rawValue) \(HTTP2Names.frameType(entry.type)) frame <length=\(entry.length), "
        text += "flags=\(HTTP2Names.hex(UInt32(entry.flags))), stream_id=\(entry.streamID)>"
        let flagNames = HTTP2Names.flags(entry.flags, type: entry.type)
        if !flagNames.isEmpty {
            text += " ; " + flagNames.joined(separator: " | ")
        }
        switch entry.type {
        case 0x3:
            text += " (error_code=\(HTTP2Names.errorCode(entry.errorCode)))"
        case 0x7:
            text += " (last_stream_id=\(entry.lastStreamID), error_code=\(HTTP2Names.errorCode(entry.errorCode)))"
        case 0x8:
            text += " (window_size_increment=\(entry.windowIncrement))"
        default:
            break
        }
        text += "  (conn window \(entry.connectionWindow)"
        if entry.streamID != 0 && entry.streamWindow >= 0 {
            text += ", stream window \(entry.streamWindow)"
        }
        text += ")"
        return text
    }

    /// `[  s.uuuuuu]`: `time − start` in seconds with µs, the seconds right-aligned in 3 columns.
    public static func relativeTime(_ time: UInt64, since start: UInt64) -> String {
        let negative = time < start
        let delta = negative ? start - time : time - start
        let seconds = String(delta / 1_000_000_000)
        let micros = String((delta % 1_000_000_000) / 1_000)
        let whole = (negative ? "-" : "") + seconds
        return "[" + String(repeating: " ", count: max(0, 3 - whole.count)) + whole + "."
            + String(repeating: "0", count: 6 - micros.count) + micros + "]"
    }

    // MARK: JSON-lines form

    /// One line of the `.jsonl` form: the entry's keys plus two for readers.
    private struct Line: Encodable {
        var entry: FrameTraceEntry
        var relativeNanos: Int64
        var typeName: String

        enum CodingKeys: String, CodingKey { case relativeNanos, typeName }

        func encode(to encoder: Encoder) throws {
            try entry.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(relativeNanos, forKey: .relativeNanos)
            try container.encode(typeName, forKey: .typeName)
        }
    }

    /// The JSON-lines form of `dump`: one compact JSON object per entry, oldest first, each line
    /// ending in a newline. Each line decodes as a ``FrameTraceEntry``.
    public static func renderJSONLines(_ dump: FrameTraceDump) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for entry in dump.entries {
            let relative = Int64(bitPattern: entry.time &- dump.connectionStartNanos)
            do {
                data.append(try encoder.encode(Line(entry: entry, relativeNanos: relative,
                                                    typeName: HTTP2Names.frameType(entry.type))))
            } catch {
                throw ReportError(path: Self.directoryName, reason: "cannot encode a frame trace entry: \(error)")
            }
            data.append(0x0A)
        }
        return data
    }

    // MARK: Folder

    /// Creates `frames/` if needed and returns a directory value whose `writeFile` writes into it.
    private func framesDirectory() throws -> RunDirectory {
        do {
            try FileManager.default.createDirectory(atPath: framesPath, withIntermediateDirectories: true)
        } catch {
            throw ReportError(path: framesPath, reason: "cannot create the frames directory: \(error.localizedDescription)")
        }
        return RunDirectory(existingPath: framesPath, runID: directory.runID)
    }
}

extension RunDirectory {
    /// A value for an existing directory (here: a run's subfolder), so its atomic ``writeFile(named:contents:)`` can be reused.
    fileprivate init(existingPath: String, runID: String) {
        self.path = existingPath
        self.runID = runID
    }
}
