import Foundation
import H2Driver
import H2Profile
import H2Report
import H2Results
import H2Run
import H2Target
import Testing

/// `run.json` keeps its keys and shape: a run of `profiles/quick.yaml` has exactly the key paths
/// and JSON types recorded in `Fixtures/quick-run-shape.txt`, which was written by the code
/// before the module split. Schema `h2stress.run/v1` may only gain keys; a key that disappears
/// or changes type fails here, and so does a new key until the fixture (and the CHANGELOG) say so.
struct RunJSONShapeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Key paths present only when something was recorded (a latency metric or histogram with
    /// values, a server stall duration, the note on reads without a kernel timestamp): they may be missing from a run, but never new.
    static let recordedOnly = [
        "cells[].histograms.", "cells[].latency.delivery", "cells[].latency.wakePoll", "cells[].latency.wakeDispatch",
        "cells[].flowControl.server.connectionStallDuration", "cells[].flowControl.server.streamStallDuration",
        "cells[].wake.note",
    ]

    /// `path: type` lines for `value` and everything under it; array elements are under `[]`.
    static func shape(_ value: JSONValue, path: String = "", into lines: inout Set<String>) {
        switch value {
        case .object(let object):
            lines.insert("\(path): object")
            for (key, child) in object { shape(child, path: path.isEmpty ? key : "\(path).\(key)", into: &lines) }
        case .array(let array):
            lines.insert("\(path): array")
            for child in array { shape(child, path: path + "[]", into: &lines) }
        case .string: lines.insert("\(path): string")
        case .number: lines.insert("\(path): number")
        case .bool: lines.insert("\(path): bool")
        case .null: lines.insert("\(path): null")
        }
    }

    static func fixture() throws -> Set<String> {
        let text = try String(contentsOf: root.appendingPathComponent("Tests/H2RunTests/Fixtures/quick-run-shape.txt"), encoding: .utf8)
        return Set(text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty })
    }

    @Test("a quick.yaml run has the keys and types run.json had before the module split")
    func quickRunKeepsItsShape() throws {
        let loaded = try ProfileLoader.load(path: Self.root.appendingPathComponent("profiles/quick.yaml").path, overrides: ["warmup=0s"])
            .withThreads([1])
            .withDuration(.seconds(1))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-shape-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let directory = try RunDirectory(resultsRoot: folder, profileName: loaded.base.name, startedAt: Date())
        let result = Runner(loaded: loaded, launcher: EmbeddedTargetLauncher(), control: RunControl()).run(runID: directory.runID)
        try directory.write(result)
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: directory.runFilePath)))
        var lines = Set<String>()
        Self.shape(json, into: &lines)
        let expected = try Self.fixture()
        let added = lines.subtracting(expected).sorted()
        let missing = expected.subtracting(lines).filter { line in !Self.recordedOnly.contains { line.hasPrefix($0) } }.sorted()
        #expect(added.isEmpty, "keys or types run.json did not have: \(added)")
        #expect(missing.isEmpty, "keys or types run.json had and no longer has: \(missing)")
    }

    @Test("the shape sees a renamed key and a changed type")
    func shapeSeesChanges() {
        var before = Set<String>()
        var after = Set<String>()
        Self.shape(.object(["cells": .array([.object(["bytesReceived": .number(1), "id": .string("a")])])]), into: &before)
        Self.shape(.object(["cells": .array([.object(["bytesRead": .number(1), "id": .number(7)])])]), into: &after)
        #expect(before.contains("cells[].bytesReceived: number"))
        #expect(before.subtracting(after) == ["cells[].bytesReceived: number", "cells[].id: string"])
    }
}
