import Testing
@testable import H2Profile

struct SweepTests {
    @Test func cellsAreTheProductInVariantThreadsServerRepeatOrder() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal + """

            sweep:
              threads: [1, 2, 4]
              serverThreads: [1, 2]
              repeats: 2
              variants:
                - {name: a, connections: 2}
                - {name: b, connections: 3}
            """)
        #expect(loaded.cells.count == 2 * 3 * 2 * 2)
        #expect(loaded.cells.map(\.index) == Array(0..<24))
        #expect(loaded.cells.prefix(5).map(\.id) == ["a/t1/s1/r1", "a/t1/s1/r2", "a/t1/s2/r1", "a/t1/s2/r2", "a/t2/s1/r1"])
        #expect(loaded.cells.last?.id == "b/t4/s2/r2")
        #expect(Set(loaded.cells.map(\.id)).count == loaded.cells.count)
        for cell in loaded.cells {
            #expect(cell.id == "\(cell.variant)/t\(cell.threads)/s\(cell.serverThreads)/r\(cell.repeat)")
            #expect(cell.profile.threads == cell.threads)
            #expect(cell.profile.server.threads == cell.serverThreads)
            #expect(cell.profile.connections == (cell.variant == "a" ? 2 : 3))
        }
    }

    @Test func withoutVariantsThereIsOneDefaultVariant() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal + "\nthreads: 3\nserver: {threads: 2}")
        #expect(loaded.cells.map(\.id) == ["default/t3/s2/r1"])
        #expect(loaded.base.sweep.threads == [3] && loaded.base.sweep.serverThreads == [2])
    }

    @Test func absentSweepListsFollowEachVariantsOwnThreads() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal + """

            threads: 2
            sweep:
              variants:
                - {name: two}
                - {name: four, threads: 4, server: {threads: 3}}
            """)
        #expect(loaded.cells.map(\.id) == ["two/t2/s1/r1", "four/t4/s3/r1"])
    }

    @Test func withThreadsReplacesTheThreadListAndReexpands() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.seed)
        #expect(loaded.cells.count == 6)
        let changed = loaded.withThreads([8, 16])
        #expect(changed.cells.map(\.id) == ["window-64k/t8/s1/r1", "window-64k/t16/s1/r1", "window-1m/t8/s1/r1", "window-1m/t16/s1/r1"])
        #expect(changed.base.sweep.threads == [8, 16])
        #expect(changed.cells.allSatisfy { $0.profile.sweep.threads == [8, 16] })
        #expect(changed.cells[3].profile.client.streamWindow == .mebibytes(1))
        #expect(loaded.cells.count == 6)
    }

    @Test func withDurationChangesEveryCell() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.seed).withDuration(.seconds(1))
        #expect(loaded.base.duration == .seconds(1))
        #expect(loaded.cells.allSatisfy { $0.profile.duration == .seconds(1) })
        #expect(loaded.wallTime.atMost == TimeSpan(nanoseconds: 6 * 3_000_000_000))
    }

    @Test func commandLineValuesAreValidated() {
        #expect(throws: ProfileError.self) { try ProfileLoader.validateThreads([], file: "f") }
        #expect(throws: ProfileError.self) { try ProfileLoader.validateThreads([1, 300], file: "f") }
        #expect(throws: ProfileError.self) { try ProfileLoader.validateThreads([2, 2], file: "f") }
        #expect(throws: Never.self) { try ProfileLoader.validateThreads([1, 2, 4], file: "f") }
        #expect(throws: ProfileError.self) { try ProfileLoader.validateDuration(.zero, file: "f") }
        #expect(throws: ProfileError.self) { try ProfileLoader.validateDuration(.seconds(7200), file: "f") }
        #expect(throws: Never.self) { try ProfileLoader.validateDuration(.seconds(5), file: "f") }
    }

    @Test func sweepsAreCapped() {
        let threads = (1...100).map(String.init).joined(separator: ", ")
        let error = SampleProfiles.error(SampleProfiles.minimal + """

            sweep:
              threads: [\(threads)]
              repeats: 101
            """)
        #expect(error?.field == "sweep")
        #expect(error?.line == 6)
        #expect(error?.message == "the sweep expands to 10100 cells; keep it at 10000 or fewer (fewer variants, thread counts or repeats)")
    }

    @Test func consumerAndRateVariantsReachEveryOneOfTheirCells() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal + """

            client: {windowUpdate: on-consume}
            sweep:
              threads: [1, 2]
              repeats: 2
              variants:
                - {name: fast}
                - {name: slow, consumers: [{share: 1, delay: 100ms}], client: {pendingMessageCredit: withhold}}
                - {name: open, rate: 2000}
            """)
        #expect(loaded.cells.count == 3 * 2 * 2)
        for cell in loaded.cells {
            #expect(cell.profile.client.windowUpdate == .onConsume)
            #expect(cell.profile.consumers == (cell.variant == "slow" ? [ConsumerSpec(share: 1, delay: .fixed(.milliseconds(100)))] : []))
            #expect(cell.profile.client.pendingMessageCredit == (cell.variant == "slow" ? .withhold : .grant))
            #expect(cell.profile.rate == (cell.variant == "open" ? 2000 : nil))
        }
        // --threads keeps each variant's consumers.
        let rethreaded = loaded.withThreads([4])
        #expect(rethreaded.cells.map(\.profile.consumers.count) == [0, 0, 1, 1, 0, 0])
    }

    @Test func aSingleNumberIsAOneElementThreadList() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal + "\nsweep: {threads: 2}")
        #expect(loaded.cells.map(\.id) == ["default/t2/s1/r1"])
    }
}
