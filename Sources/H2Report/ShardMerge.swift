import Foundation
import H2Results

/// `h2stress merge`: checks that a set of shard runs is one whole run (same profile hash, every
/// shard index exactly once) and merges them into one ``RunResult`` that `gate`, `compare` and
/// `report` read like any run. See docs/scale-out.md, *Merge*.
public enum ShardMerge {
    /// One shard run to merge and where it was read from.
    public struct Input: Sendable {
        /// The folder or run.json given (or found in the folder given).
        public var path: String
        /// The run.
        public var run: RunResult

        /// An input of a merge.
        public init(path: String, run: RunResult) {
            self.path = path
            self.run = run
        }
    }

    /// Why shard runs cannot be merged, phrased for the user (exit 64).
    public struct Refusal: Error, Sendable, CustomStringConvertible, Equatable {
        /// The message, naming the folders, indices or hashes involved.
        public var description: String
    }

    /// The run folders `merge` reads for `paths`: each path as given, except a single folder that
    /// holds no `run.json`, which stands for every folder directly inside it whose `run.json`
    /// has a `shard` record (merged runs and other runs there are skipped).
    public static func expand(_ paths: [String]) throws(Refusal) -> [String] {
        guard paths.count == 1, let only = paths.first else { return paths }
        var isDirectory: ObjCBool = false
        let base = only.hasSuffix("/") ? String(only.dropLast()) : only
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue,
              !FileManager.default.fileExists(atPath: base + "/" + RunDirectory.runFileName) else { return paths }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).sorted()
        let found = names.map { base + "/" + $0 }.filter { folder in
            guard let data = FileManager.default.contents(atPath: folder + "/" + RunDirectory.runFileName),
                  let run = try? RunResult.decode(from: data) else { return false }
            return run.shard != nil
        }
        if found.isEmpty {
            throw Refusal(description: "`\(only)` holds no run.json and no shard run folders (folders whose run.json has `shard`); give shard run folders, e.g. `h2stress merge results/quick-shard-*`")
        }
        return found
    }

    /// Checks the inputs: each is a shard run, all of one profile hash and shard count, every
    /// index from 0 to N − 1 exactly once. Returns them ordered by shard index.
    public static func check(_ inputs: [Input]) throws(Refusal) -> [Input] {
        guard let first = inputs.first else { throw Refusal(description: "give the shard runs to merge") }
        for input in inputs where input.run.shard == nil {
            throw Refusal(description: "`\(input.path)` is not a shard run (its run.json has no `shard`; it was run without `--shard`/`--shards`)")
        }
        for input in inputs where input.run.profileHash == nil {
            throw Refusal(description: "`\(input.path)` has no `profileHash` (written by an older h2stress); run the shards again")
        }
        for input in inputs.dropFirst() where input.run.profileHash != first.run.profileHash {
            throw Refusal(description: "`\(first.path)` and `\(input.path)` ran different profiles (profile hash \(first.run.profileHash!) vs \(input.run.profileHash!)); merge shards of one run only")
        }
        let count = first.run.shard!.count
        for input in inputs.dropFirst() where input.run.shard!.count != count {
            throw Refusal(description: "`\(first.path)` is one of \(count) shards but `\(input.path)` one of \(input.run.shard!.count); merge shards of one run only")
        }
        var byIndex: [Int: Input] = [:]
        for input in inputs {
            let index = input.run.shard!.index
            if let other = byIndex[index] {
                throw Refusal(description: "shard \(index) appears twice: `\(other.path)` and `\(input.path)`; give each shard once")
            }
            byIndex[index] = input
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            throw Refusal(description: "shard\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) of \(count) missing; the merge needs every shard of the run")
        }
        return (0..<count).map { byIndex[$0]! }
    }

    /// The whole run made of the checked shard runs `inputs` (from ``check(_:)``), with run id `runID`.
    public static func merge(_ inputs: [Input], runID: String) throws(Refusal) -> RunResult {
        let inputs = try check(inputs)
        let runs = inputs.map(\.run)
        let first = runs[0]
        var result = RunResult(
            runID: runID, startedAt: runs.map(\.startedAt).min()!,
            finishedAt: runs.allSatisfy { $0.finishedAt != nil } ? runs.compactMap(\.finishedAt).max() : nil,
            status: status(runs), environment: first.environment, profileFile: first.profileFile, profile: first.profile,
            target: first.target)
        result.profileHash = first.profileHash
        result.notes.append("merged from \(runs.count) shards: " + inputs.map { "\($0.run.shard!.label) \($0.run.runID)" }.joined(separator: ", "))
        let hosts = Set(runs.map(\.environment.host))
        if hosts.count > 1 {
            result.notes.append("the shards ran on \(hosts.count) hosts (environment shows shard 0's): \(hosts.sorted().joined(separator: ", "))")
        }
        if Set(runs.map(\.target)).count > 1 {
            result.notes.append("the shards' targets differ: " + runs.map { "\($0.shard!.label) \($0.target)" }.joined(separator: "; "))
        }
        for run in runs {
            result.notes += run.notes.map { "[shard \(run.shard!.label)] " + $0 }
        }
        var rows: [MergedShardRow] = []
        var maxSpread: Double?
        let cellIndices = Array(Set(runs.flatMap { $0.cells.map(\.index) })).sorted()
        for index in cellIndices {
            var parts: [CellMerge.Part] = []
            for run in runs {
                guard let cell = run.cells.first(where: { $0.index == index }) else { continue }
                let start = run.shard!.start(ofCell: index)
                parts.append(CellMerge.Part(label: run.shard!.label, cell: cell, measuredFrom: start?.measuredFrom))
                rows.append(MergedShardRow(
                    shard: run.shard!.label, cell: cell.id, cpuSeconds: cell.cpu.totalSeconds, peakRSSBytes: cell.peakRSSBytes,
                    lateMilliseconds: start?.lateMilliseconds, connectionErrors: cell.connectionErrors.count,
                    streamsStarted: cell.streamsStarted, complete: cell.streams.complete))
            }
            let starts = parts.compactMap(\.measuredFrom)
            if starts.count == parts.count, let low = starts.min(), let high = starts.max() {
                maxSpread = max(maxSpread ?? 0, ((high - low) * 1e6).rounded() / 1e3)
            }
            var cell: CellResult
            do {
                cell = try CellMerge.merge(parts)
            } catch {
                throw Refusal(description: error.description)
            }
            if parts.count < runs.count {
                let absent = runs.filter { run in !parts.contains { $0.label == run.shard!.label } }.map { $0.shard!.label }
                cell.notes.append("shards \(absent.joined(separator: ", ")) did not run this cell (interrupted); the figures are the other shards'")
            }
            result.cells.append(cell)
        }
        result.merge = MergeRecord(
            shardCount: runs.count,
            sources: inputs.map { MergeSource(shard: $0.run.shard!.index, runID: $0.run.runID, path: $0.path, host: $0.run.environment.host) },
            rows: rows, maxStartSpreadMilliseconds: maxSpread)
        return result
    }

    /// Complete when every shard completed; else the first of failed, interrupted, running found.
    private static func status(_ runs: [RunResult]) -> RunStatus {
        for status in [RunStatus.failed, .interrupted, .running] where runs.contains(where: { $0.status == status }) {
            return status
        }
        return .complete
    }
}
