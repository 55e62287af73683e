import Foundation
import H2Profile
import H2Results
import Testing

/// `CellMerge`: histograms merged from `hdr1:` equal the histogram of all samples; counts add;
/// per-second series align by wall-clock second.
struct CellMergeTests {
    /// A cell of a shard made from `samples` (ttfb and stream duration, ns), `complete` streams
    /// and `bytes`, with one series sample per second of `perSecond`.
    static func cell(samples: [UInt64], bytes: Int, perSecond: [Int], duration: Double) -> CellResult {
        var m = CellMeasurements()
        for value in samples {
            m.ttfb.record(nanoseconds: value)
            m.streamDuration.record(nanoseconds: value * 2)
            m.outcomes.complete += 1
        }
        m.outcomes.reset = 1
        m.bytesReceived = bytes
        m.streamsStarted = samples.count + 1
        for (second, count) in perSecond.enumerated() {
            for _ in 0..<count { m.series.streamCompleted(outcome: .complete, at: second) }
        }
        return CellResult(index: 0, id: "default/t1/s1/r1", threads: 1, serverThreads: 1, variant: "default", repeat: 1,
                          durationSeconds: duration, measurements: m, cpu: CPUUsage(userSeconds: 0.5, systemSeconds: 0.25),
                          peakRSSBytes: UInt64(samples.count))
    }

    @Test("merged hdr1 histograms equal the histogram recorded from all samples (random samples, 1…5 parts)")
    func histogramsMergeExactly() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            let partCount = 1 + round % 5
            var all = LatencyHistogram()
            var parts: [CellMerge.Part] = []
            for index in 0..<partCount {
                let samples = (0..<Int.random(in: 1...400, using: &generator)).map { _ in
                    // Spread over ns … seconds, where bucket widths differ.
                    UInt64.random(in: 1...(UInt64(10) << UInt64.random(in: 0...32, using: &generator)), using: &generator)
                }
                for value in samples { all.record(nanoseconds: value) }
                parts.append(CellMerge.Part(label: "\(index)/\(partCount)", cell: Self.cell(samples: samples, bytes: 10, perSecond: [], duration: 1),
                                            measuredFrom: nil))
            }
            let merged = try CellMerge.merge(parts)
            let text = try #require(merged.histograms[LatencyMetric.ttfb.rawValue])
            let ttfb = try #require(LatencyHistogram(encoded: text))
            #expect(ttfb == all, "round \(round)")
            #expect(merged[.ttfb] == all.summary(), "the summary is recomputed from the merged histogram")
            #expect(merged.streams.complete == Int(all.count) && merged.streams.reset == partCount)
            #expect(merged.bytesReceived == 10 * partCount && merged.streamsStarted == Int(all.count) + partCount)
            #expect(abs(merged.cpu.totalSeconds - 0.75 * Double(partCount)) < 1e-9)
        }
    }

    @Test("series align by wall-clock second; duration spans the earliest start to the latest end")
    func seriesAlign() throws {
        let a = CellMerge.Part(label: "0/2", cell: Self.cell(samples: [1, 2, 3], bytes: 0, perSecond: [1, 2], duration: 2), measuredFrom: 1000.000)
        // Started 1.004 s later: its second 0 is the whole run's second 1.
        let b = CellMerge.Part(label: "1/2", cell: Self.cell(samples: [4, 5, 6, 7], bytes: 0, perSecond: [3, 1], duration: 2), measuredFrom: 1001.004)
        let merged = try CellMerge.merge([a, b])
        #expect(merged.series.map(\.streamsCompleted) == [1, 2 + 3, 1])
        #expect(merged.series.map(\.second) == [0, 1, 2])
        #expect(abs(merged.durationSeconds - 3.004) < 1e-9)
        #expect(abs(merged.throughput.streamsPerSecond - 7 / 3.004) < 1e-9)
        // 4 ms apart (clocks or late start): the same seconds.
        let c = CellMerge.Part(label: "1/2", cell: b.cell, measuredFrom: 1000.004)
        #expect(try CellMerge.merge([a, c]).series.map(\.streamsCompleted) == [4, 3])
    }

    @Test("a histogram that is not hdr1 is refused, naming the shard")
    func unreadableHistogram() {
        var cell = Self.cell(samples: [5], bytes: 0, perSecond: [], duration: 1)
        cell.histograms[LatencyMetric.ttfb.rawValue] = "hdr0:xx"
        #expect(throws: CellMerge.Failure.self) { try CellMerge.merge([CellMerge.Part(label: "2/3", cell: cell, measuredFrom: nil)]) }
    }

    @Test("a damaged shard (a figure negative or above 2^48) is refused by name instead of overflowing a sum")
    func damagedFiguresAreRefused() throws {
        let good = Self.cell(samples: [5, 6], bytes: 1000, perSecond: [1, 1], duration: 2)
        _ = try CellMerge.merge([CellMerge.Part(label: "0/2", cell: good, measuredFrom: nil), CellMerge.Part(label: "1/2", cell: good, measuredFrom: nil)])
        var edge = good
        edge.bytesReceived = CellMerge.maxFigure
        _ = try CellMerge.merge([CellMerge.Part(label: "0/1", cell: edge, measuredFrom: nil)])

        var damaged: [(String, CellResult)] = []
        var huge = good
        huge.bytesReceived = Int.max
        damaged.append(("bytesReceived", huge))
        var negative = good
        negative.streams.complete = -1
        damaged.append(("streams.complete", negative))
        var series = good
        series.series[0].outcomes["complete"] = Int.max
        damaged.append(("series[0].outcomes.complete", series))
        for (figure, cell) in damaged {
            #expect {
                try CellMerge.merge([CellMerge.Part(label: "0/2", cell: good, measuredFrom: nil), CellMerge.Part(label: "1/2", cell: cell, measuredFrom: nil)])
            } throws: {
                let text = ($0 as? CellMerge.Failure)?.description ?? ""
                return text.contains("shard 1/2") && text.contains("`\(figure)`") && text.contains("damaged")
            }
        }
    }
}

