import Testing
@testable import H2Report
@testable import H2Profile

/// Median, bootstrap interval, Mann–Whitney U (p-values from scipy 1.17.1, each call in a comment) and verdicts.
struct StatisticsTests {
    @Test func median() {
        #expect(Statistics.median([]) == nil)
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
    }

    @Test(arguments: [
        // mannwhitneyu([1,2,3,4,5],[6,7,8,9,10]) → U=0, p=0.007936507936507936 (exact)
        ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], 0.0, 0.007936507936507936, Statistics.MannWhitney.Method.exact),
        // mannwhitneyu([19,22,16,29,24],[20,11,17,12]) → U=17, p=0.1111111111111111 (exact)
        ([19, 22, 16, 29, 24], [20, 11, 17, 12], 17.0, 0.1111111111111111, .exact),
        // mannwhitneyu([1.1,2.2,3.3,4.4,5.5,6.6,7.7,8.8,9.9,10.5],[3,4,...,14]) → U=36, p=0.12125097588073802 (asymptotic, ties)
        ([1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8, 9.9, 10.5], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], 36.0, 0.12125097588073802, .asymptotic),
        // mannwhitneyu([1,2,2,3,3,3,4],[3,4,4,5,5,6]) → U=3.5, p=0.012999854364387305 (asymptotic, ties)
        ([1, 2, 2, 3, 3, 3, 4], [3, 4, 4, 5, 5, 6], 3.5, 0.012999854364387305, .asymptotic),
        // mannwhitneyu([10,12,...,28],[11,13,...,33]) → U=45, p=0.33902086286986766 (asymptotic, n1 > 8 and n2 > 8)
        ([10, 12, 14, 16, 18, 20, 22, 24, 26, 28], [11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33], 45.0, 0.33902086286986766, .asymptotic),
    ] as [([Double], [Double], Double, Double, Statistics.MannWhitney.Method)])
    func mannWhitneyMatchesScipy(x: [Double], y: [Double], u: Double, p: Double, method: Statistics.MannWhitney.Method) throws {
        let test = try #require(Statistics.mannWhitneyU(x, y))
        #expect(test.u1 == u)
        #expect(abs(test.p - p) < 1e-12, "p = \(test.p), scipy \(p)")
        #expect(test.method == method)
    }

    @Test func smallestPossiblePExplainsWhyThreeRepeatsAreNotEnough() {
        #expect(abs(Statistics.smallestTwoSidedP(3, 3) - 0.1) < 1e-12)
        #expect(abs(Statistics.smallestTwoSidedP(4, 4) - 2.0 / 70) < 1e-12)
        #expect(abs(Statistics.smallestTwoSidedP(1, 5) - 2.0 / 6) < 1e-12)
        // The exact tail at the extreme equals that bound: 3 vs 3 completely separated.
        #expect(abs(Statistics.mannWhitneyU([1, 2, 3], [4, 5, 6])!.p - 0.1) < 1e-12)
    }

    @Test func bootstrapIntervalIsDeterministicAndBracketsTheMedian() throws {
        let values: [Double] = [10, 11, 9.5, 10.2, 30, 10.1, 9.9]
        let first = try #require(Statistics.bootstrapMedianInterval(values))
        let second = try #require(Statistics.bootstrapMedianInterval(values))
        #expect(first == second)
        #expect(first.contains(Statistics.median(values)!))
        #expect(first.lowerBound >= 9.5 && first.upperBound <= 30)
        #expect(Statistics.bootstrapMedianInterval([1]) == nil)
        #expect(Statistics.bootstrapMedianInterval([5, 5, 5]) == 5...5)
    }

    @Test func verdictsFollowTheFiguresDirection() {
        let throughput = GateMetric(named: "throughput.bytesPerSecond")!
        let latency = GateMetric(named: "streamDuration.p99")!
        let low: [Double] = [100, 101, 102, 103, 104], high: [Double] = [200, 201, 202, 203, 204]
        #expect(CompareDelta(metric: throughput, baseline: low, candidate: high).verdict == .better)
        #expect(CompareDelta(metric: latency, baseline: low, candidate: high).verdict == .worse)
        #expect(CompareDelta(metric: latency, baseline: high, candidate: low).verdict == .better)
        #expect(CompareDelta(metric: latency, baseline: [100, 110, 120, 130, 140], candidate: [105, 115, 125, 135, 145]).verdict == .noSignificantDifference)
        #expect(CompareDelta(metric: latency, baseline: [100], candidate: [300]).verdict == .notEnoughRepeats)
        #expect(CompareDelta(metric: latency, baseline: [1, 2, 3], candidate: [7, 8, 9]).verdict == .notEnoughRepeats)
        #expect(CompareDelta(metric: latency, baseline: [], candidate: [1, 2]).verdict == .notMeasured)
        let delta = CompareDelta(metric: latency, baseline: [100, 100], candidate: [150, 150])
        #expect(delta.absolute == 50 && delta.relative == 0.5)
    }
}
