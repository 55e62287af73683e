import Foundation
import Testing
import H2Results

/// The `run.json` contract (schema `h2stress.run/v1`) that other tools read: every key path exists with its type.
@Suite("run.json contract")
struct JSONContractTests {
    enum Kind: CustomStringConvertible {
        case string, number, integer, object, array, bool

        var description: String {
            switch self {
            case .string: "string"
            case .number: "number"
            case .integer: "integer"
            case .object: "object"
            case .array: "array"
            case .bool: "bool"
            }
        }

        func matches(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (.string, .string), (.object, .object), (.array, .array), (.number, .number), (.bool, .bool): return true
            case (.integer, .number(let number)): return number.rounded() == number
            default: return false
            }
        }
    }

    /// Reads `a.b.c` from parsed JSON objects.
    static func lookup(_ path: String, in root: JSONValue) -> JSONValue? {
        var current: JSONValue? = root
        for key in path.split(separator: ".") {
            current = current?[String(key)]
        }
        return current
    }

    static let topLevel: [(String, Kind)] = [
        ("schema", .string), ("tool", .object), ("tool.name", .string), ("tool.version", .string),
        ("runID", .string), ("startedAt", .string), ("finishedAt", .string), ("status", .string),
        ("environment", .object), ("environment.host", .string), ("environment.cores", .integer),
        ("environment.kernel", .string), ("environment.nghttp2Version", .string), ("environment.os", .string),
        ("profileFile", .string), ("profile", .object), ("profile.name", .string), ("target", .string),
        ("cells", .array), ("notes", .array),
    ]

    static var cellPaths: [(String, Kind)] {
        var paths: [(String, Kind)] = [
            ("index", .integer), ("id", .string), ("threads", .integer), ("serverThreads", .integer),
            ("variant", .string), ("repeat", .integer), ("durationSeconds", .number), ("streams", .object),
            ("throughput", .object), ("throughput.bytesPerSecond", .number), ("throughput.messagesPerSecond", .number),
            ("throughput.streamsPerSecond", .number), ("latency", .object), ("cpu", .object),
            ("cpu.userSeconds", .number), ("cpu.systemSeconds", .number), ("peakRSSBytes", .integer),
            ("bytesReceived", .integer), ("messagesReceived", .integer), ("failures", .array),
            ("failuresDropped", .integer), ("notes", .array),
        ]
        for outcome in ["complete", "truncated", "reset", "goaway", "connectionLost", "deadline", "statusError", "integrity", "unfinished"] {
            paths.append(("streams." + outcome, .integer))
        }
        for metric in ["ttfb", "streamDuration", "messageGap"] {
            paths += summaryPaths("latency." + metric)
        }
        paths += [
            ("wake", .object), ("wake.available", .bool), ("wake.readsWithTimestamp", .integer),
            ("wake.readsWithoutTimestamp", .integer), ("histograms", .object), ("series", .array),
            ("flowControl", .object), ("flowControl.streamZeroWindowSeconds", .number),
            ("flowControl.connectionZeroWindowSeconds", .number), ("flowControl.windowUpdateFramesSent", .integer),
            ("flowControl.windowUpdateBytesSent", .integer),
            ("consumers", .object), ("consumers.delaySeconds", .number), ("consumers.slowStreams", .integer),
        ]
        paths += summaryPaths("flowControl.streamZeroWindowPerStream")
        return paths
    }

    /// A ``LatencySummary`` object at `prefix`.
    static func summaryPaths(_ prefix: String) -> [(String, Kind)] {
        [(prefix, .object), (prefix + ".count", .integer)]
            + ["min", "p50", "p90", "p99", "p999", "max", "mean"].map { (prefix + "." + $0, Kind.number) }
    }

    static var serverFlowControlPaths: [(String, Kind)] {
        [("flowControl.server", .object), ("flowControl.server.streamStalls", .integer),
         ("flowControl.server.connectionStalls", .integer), ("flowControl.server.streamStallSeconds", .number),
         ("flowControl.server.connectionStallSeconds", .number)]
            + summaryPaths("flowControl.server.streamStallDuration")
            + summaryPaths("flowControl.server.connectionStallDuration")
    }

    static let openLoopPaths: [(String, Kind)] = [
        ("openLoop", .object), ("openLoop.requestedRate", .number), ("openLoop.achievedRate", .number),
        ("openLoop.intendedStarts", .integer), ("openLoop.lateStarts", .integer), ("openLoop.maxStartLagMillis", .number),
    ]

    static let secondPaths: [(String, Kind)] = [
        ("second", .integer), ("bytes", .integer), ("messages", .integer), ("streamsCompleted", .integer),
        ("outcomes", .object),
    ]

    static let failurePaths: [(String, Kind)] = [
        ("outcome", .string), ("kind", .string), ("connection", .integer), ("streamID", .integer),
        ("messagesReceived", .integer), ("messagesPlanned", .integer), ("bytesReceived", .integer),
        ("bytesPlanned", .integer), ("detail", .string),
    ]

    @Test("every required key path exists with the right JSON type")
    func keyPaths() throws {
        let data = try SyntheticRun.make().encodedJSON()
        // Decoded as generic JSON: JSONValue keeps booleans apart from numbers.
        let root = try JSONDecoder().decode(JSONValue.self, from: data)
        for (path, kind) in Self.topLevel {
            let value = Self.lookup(path, in: root)
            #expect(value.map(kind.matches) == true, "\(path) should be a \(kind), got \(String(describing: value))")
        }
        #expect(root["schema"] == .string("h2stress.run/v1"))
        #expect(Self.lookup("tool.version", in: root) == .string(ToolVersion.current))

        guard case .array(let cells)? = root["cells"] else {
            Issue.record("cells is not an array")
            return
        }
        #expect(cells.count == 3)
        for cell in cells {
            for (path, kind) in Self.cellPaths {
                let value = Self.lookup(path, in: cell)
                #expect(value.map(kind.matches) == true, "cells[\(String(describing: cell["index"]))].\(path) should be a \(kind)")
            }
            guard case .array(let failures)? = cell["failures"] else { continue }
            for failure in failures {
                for (path, kind) in Self.failurePaths {
                    #expect(Self.lookup(path, in: failure).map(kind.matches) == true, "failure.\(path) should be a \(kind)")
                }
            }
        }
        #expect(Self.lookup("streams.truncated", in: cells[1]) == .number(12))
        try issue3Sections(cells)
        #expect(Self.lookup("latency.messageGap.count", in: cells[2]) == .number(0), "empty histogram is marked by count 0")
    }

    /// The sections that depend on what a cell measured: present exactly when they should be.
    func issue3Sections(_ cells: [JSONValue]) throws {
        func expectPaths(_ paths: [(String, Kind)], in cell: JSONValue, _ name: String) {
            for (path, kind) in paths {
                #expect(Self.lookup(path, in: cell).map(kind.matches) == true, "\(name).\(path) should be a \(kind)")
            }
        }
        // Cell 0: wake figures available, server stalls, series with wake samples, closed loop.
        expectPaths(Self.summaryPaths("latency.wakePoll") + Self.summaryPaths("latency.wakeDispatch")
                    + Self.summaryPaths("latency.delivery") + Self.serverFlowControlPaths, in: cells[0], "cells[0]")
        #expect(Self.lookup("wake.available", in: cells[0]) == .bool(true))
        #expect(Self.lookup("wake.note", in: cells[0]) == nil)
        #expect(cells[0]["openLoop"] == nil, "closed-loop cells have no openLoop")
        expectPaths([("checksum", .object), ("checksum.sampling", .string), ("checksum.messagesStampChecked", .integer),
                     ("checksum.messagesSummed", .integer), ("checksum.bytesSummed", .integer)], in: cells[0], "cells[0]")
        #expect(Self.lookup("checksum.messagesSummed", in: cells[0]) == .number(7_512))
        #expect(cells[1]["checksum"] == nil, "cells without stamped messages have no checksum section")
        for metric in ["ttfb", "streamDuration", "messageGap", "wakePoll", "wakeDispatch", "delivery",
                       "flowControl.streamZeroWindowPerStream", "flowControl.server.streamStallDuration"] {
            let text = Self.lookup("histograms", in: cells[0])?[metric]?.stringValue
            #expect(text?.hasPrefix("hdr1:") == true, "histograms[\(metric)] is an hdr1 string")
        }
        guard case .array(let series)? = cells[0]["series"] else {
            Issue.record("series is not an array")
            return
        }
        #expect(series.count == 5)
        for sample in series {
            expectPaths(Self.secondPaths + [("wakePollP99Micros", .number), ("outcomes.complete", .integer)], in: sample, "series[]")
        }

        // Cell 1: no kernel timestamps → no wake keys at all, a note; open loop present.
        #expect(Self.lookup("wake.available", in: cells[1]) == .bool(false))
        #expect(Self.lookup("wake.note", in: cells[1]) == .string("the kernel gave no receive timestamps (SO_TIMESTAMPING)"))
        for key in ["wakePoll", "wakeDispatch"] {
            #expect(Self.lookup("latency." + key, in: cells[1]) == nil && cells[1]["histograms"]?[key] == nil, "\(key) absent")
        }
        expectPaths(Self.summaryPaths("latency.delivery") + Self.openLoopPaths + Self.serverFlowControlPaths, in: cells[1], "cells[1]")
        if case .array(let samples)? = cells[1]["series"], samples.count > 2 {
            #expect(samples[2]["outcomes"] == .object(["complete": .number(100), "truncated": .number(1)]))
            #expect(samples[2]["wakePollP99Micros"] == nil, "no wake samples: the key is absent")
        } else {
            Issue.record("cells[1].series has 5 samples")
        }

        // Cell 2: nothing measured; no server part for an external-like target.
        #expect(Self.lookup("flowControl.server", in: cells[2]) == nil)
        #expect(Self.lookup("histograms", in: cells[2]) == .object([:]))
        #expect(Self.lookup("latency.delivery", in: cells[2]) == nil)
    }

    @Test("keys are sorted and the output is pretty-printed")
    func sortedAndPretty() throws {
        let text = String(decoding: try SyntheticRun.make().encodedJSON(), as: UTF8.self)
        let topKeys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { line in
            String(line.dropFirst(3).prefix { $0 != "\"" })
        }
        #expect(topKeys == topKeys.sorted())
        #expect(topKeys.contains("cells") && topKeys.contains("schema"))
        #expect(text.contains("\"profileFile\" : \"profiles/smoke.yaml\""), "slashes are not escaped")
    }
}
