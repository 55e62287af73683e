import Foundation
import H2Profile
import Testing

/// The shard split: shares add up exactly, the remainder goes to the lowest indices, seeds
/// differ per shard and are reproducible, and a profile splits cell by cell.
struct ShardSpecTests {
    @Test("integer shares add up to the total for every total 0…500 and 1…40 shards; remainder to the lowest indices")
    func integerSharesAddUp() {
        for count in 1...40 {
            for total in 0...500 {
                let shares = (0..<count).map { ShardSpec(index: $0, count: count)!.share(of: total) }
                #expect(shares.reduce(0, +) == total, "\(total) over \(count)")
                #expect(shares.max()! - shares.min()! <= 1)
                #expect(shares == shares.sorted(by: >), "larger shares come first: \(shares)")
            }
        }
    }

    @Test("rate shares add up to the rate in thousandths, for whole and fractional rates")
    func rateSharesAddUp() {
        for count in [1, 2, 3, 7, 10, 64] {
            for rate in [1.0, 2.5, 10, 99.999, 1234.567, 1_000_000] {
                let shares = (0..<count).map { ShardSpec(index: $0, count: count)!.share(ofRate: rate) }
                let thousandths = shares.map { Int(($0 * 1000).rounded()) }
                #expect(thousandths.reduce(0, +) == Int((rate * 1000).rounded()), "\(rate) over \(count)")
                #expect(shares.allSatisfy { abs($0 * 1000 - ($0 * 1000).rounded()) < 1e-6 }, "shares are multiples of 0.001: \(shares)")
            }
        }
    }

    @Test("seeds: unsharded keeps the profile's; shards get distinct seeds, the same on every call")
    func seeds() {
        #expect(ShardSpec.unsharded.seed(from: 42) == 42)
        let seeds = (0..<16).map { ShardSpec(index: $0, count: 16)!.seed(from: 42) }
        #expect(Set(seeds).count == 16 && !seeds.contains(42))
        #expect(seeds == (0..<16).map { ShardSpec(index: $0, count: 16)!.seed(from: 42) })
        #expect(ShardSpec(index: 0, count: 2)!.seed(from: 1) != ShardSpec(index: 0, count: 2)!.seed(from: 2))
    }

    @Test("parsing i/N, label and folder tag; out-of-range values are refused")
    func parsing() {
        #expect(ShardSpec(parsing: "2/3")?.label == "2/3")
        #expect(ShardSpec(parsing: "2/3")?.folderTag == "shard-2-of-3")
        #expect(ShardSpec.unsharded.label == "0/1" && !ShardSpec.unsharded.isSharded)
        for bad in ["3/3", "-1/3", "0/0", "1", "a/b", "1/2/3", "", "/3", "0/10001"] {
            #expect(ShardSpec(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("a profile with variants splits in every cell; shares over the shards sum to each cell's figures")
    func profileSplitsPerCell() throws {
        let yaml = """
            name: split
            duration: 1s
            connections: 7
            totalStreams: 1000
            rate: 100.5
            mix: [{weight: 1, http.get: {size: 1KiB}}]
            sweep:
              threads: [1, 2]
              variants:
                - {name: few, connections: 5}
                - {name: many, connections: 11, totalStreams: 10}
            """
        let loaded = try ProfileLoader.parse(yaml: yaml, file: "split.yaml")
        let parts = (0..<3).map { loaded.sharded(ShardSpec(index: $0, count: 3)!) }
        for (n, cell) in loaded.cells.enumerated() {
            let shares = parts.map { $0.cells[n].profile }
            #expect(parts.allSatisfy { $0.cells[n].id == cell.id }, "same cells in the same order")
            #expect(shares.reduce(0) { $0 + $1.connections } == cell.profile.connections)
            #expect(shares.reduce(0) { $0 + $1.totalStreams! } == cell.profile.totalStreams!)
            #expect(shares.reduce(0) { $0 + Int(($1.rate! * 1000).rounded()) } == Int((cell.profile.rate! * 1000).rounded()))
            #expect(Set(shares.map(\.seed)).count == 3)
            #expect(shares.allSatisfy { $0.duration == cell.profile.duration && $0.mix == cell.profile.mix })
        }
        #expect(loaded.shardProblem(ShardSpec(index: 0, count: 5)!) == nil)
        #expect(loaded.shardProblem(ShardSpec(index: 0, count: 6)!)?.contains("cell `few/t1/s1/r1` has 5 connections") == true)
        #expect(loaded.shardProblem(ShardSpec(index: 0, count: 3)!, totalStreams: 2)?.contains("`totalStreams` 2") == true)
        #expect(loaded.sharded(.unsharded).cells == loaded.cells)
    }

    @Test("start schedule: slots follow one another, each allowance + warm-up + duration + 2 s margin")
    func schedule() throws {
        let yaml = """
            name: slots
            warmup: 1s
            duration: 3s
            mix: [{weight: 1, http.get: {size: 1KiB}}]
            sweep: {repeats: 2}
            """
        let loaded = try ProfileLoader.parse(yaml: yaml, file: "slots.yaml")
        let start = try #require(StartSchedule.parseTime("2026-12-04T16:00:00Z"))
        let schedule = StartSchedule(startAt: start, cells: loaded.cells)
        #expect(schedule.slotSeconds == [7, 7], "embedded 1 s + warm-up 1 s + duration 3 s + margin 2 s")
        #expect(schedule.slotStarts == [start, start.addingTimeInterval(7)])
        #expect(!schedule.firstSlotMissed(now: start.addingTimeInterval(6.9)) && schedule.firstSlotMissed(now: start.addingTimeInterval(7.1)))
        #expect(StartSchedule.parseTime("2026-12-04T17:00:00.500+01:00") == start.addingTimeInterval(0.5))
        #expect(StartSchedule.parseTime("2026-12-04 16:00") == nil)
    }
}
