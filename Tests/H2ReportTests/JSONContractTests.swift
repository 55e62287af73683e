import Foundation
import Testing
import H2Stress

/// The `run.json` contract (schema `h2stress.run/v1`) that other tools read: every key path exists with its type.
@Suite("run.json contract")
struct JSONContractTests {
    enum Kind: CustomStringConvertible {
        case string, number, integer, object, array

        var description: String {
            switch self {
            case .string: "string"
            case .number: "number"
            case .integer: "integer"
            case .object: "object"
            case .array: "array"
            }
        }

        func matches(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (.string, .string), (.object, .object), (.array, .array), (.number, .number): return true
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
            paths.append(("latency." + metric, .object))
            paths.append(("latency.\(metric).count", .integer))
            for figure in ["min", "p50", "p90", "p99", "p999", "max", "mean"] {
                paths.append(("latency.\(metric).\(figure)", .number))
            }
        }
        return paths
    }

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
        #expect(Self.lookup("latency.messageGap.count", in: cells[2]) == .number(0), "empty histogram is marked by count 0")
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
