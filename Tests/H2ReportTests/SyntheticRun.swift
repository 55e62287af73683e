import H2Results

/// A deterministic RunResult covering every report section: a clean cell with wake figures, flow
/// control, server stalls and a 5 s series; a cell with failures beyond the shown cap (including a `|`
/// in a detail), no kernel timestamps, slow consumers and open-loop starts; and a cell that recorded nothing.
enum SyntheticRun {
    static let environment = EnvironmentInfo(
        host: "bench-01", cores: 2, kernel: "Linux 6.1.0-18-amd64", nghttp2Version: "1.52.0",
        os: "Debian GNU/Linux 12 (bookworm)", swiftVersion: "6.3")

    static func make() -> RunResult {
        var clean = CellMeasurements()
        clean.outcomes.complete = 1_200
        clean.streamsStarted = 1_200
        clean.connectionsOpened = 4
        clean.bytesReceived = 1_228_800_000
        clean.messagesReceived = 120_000
        for n in UInt64(1)...1_200 {
            clean.ttfb.record(nanoseconds: 150_000 + n * 100)
            clean.streamDuration.record(nanoseconds: 40_000_000 + n * 10_000)
        }
        for n in UInt64(1)...12_000 { clean.messageGap.record(nanoseconds: 20_000 + (n % 500) * 100) }
        clean.readsWithTimestamp = 50_000
        for n in UInt64(1)...10_000 {
            clean.wakePoll.record(nanoseconds: 12_000 + (n % 100) * 150 + (n % 1_000 == 0 ? 400_000 : 0))
            clean.wakeDispatch.record(nanoseconds: 18_000 + (n % 100) * 200)
            clean.delivery.record(nanoseconds: 60_000 + (n % 100) * 500)
        }
        clean.flowControl.recordWindowUpdate(increment: 1_048_576)
        for n in 0..<40 { clean.flowControl.recordWindowUpdate(increment: 32_768 + n) }
        clean.flowControl.recordStreamZeroWindow(nanoseconds: 2_500_000)
        clean.flowControl.connectionZeroWindowNanos = 1_000_000
        clean.checksum = ChecksumCoverage(sampling: "1/16")
        clean.checksum.messagesStampChecked = 120_000
        clean.checksum.messagesSummed = 7_512
        clean.checksum.bytesSummed = 7_512 * 10_240
        for second in 0..<5 {
            clean.series.record(bytes: [180_000_000, 250_000_000, 260_000_000, 270_000_000, 268_800_000][second], at: second)
            clean.series.record(messages: 24_000, at: second)
            for _ in 0..<240 { clean.series.streamCompleted(outcome: .complete, at: second) }
            for n in UInt64(0)..<200 {
                clean.series.wakePoll(nanoseconds: 12_000 + n * 100 + (second == 3 ? 300_000 : 0), at: second)
            }
        }
        var cleanServer = ServerFlowControl()
        cleanServer.recordStall(.stream, nanoseconds: 150_000)

        var faulty = CellMeasurements()
        faulty.outcomes.complete = 500
        faulty.outcomes.truncated = 12
        faulty.outcomes.reset = 10
        faulty.outcomes.goaway = 3
        faulty.outcomes.unfinished = 4
        faulty.streamsStarted = 529
        faulty.connectionsOpened = 8
        faulty.bytesReceived = 51_200_000
        faulty.messagesReceived = 50_000
        for n in UInt64(1)...500 {
            faulty.ttfb.record(nanoseconds: 300_000 + n * 1_000)
            faulty.streamDuration.record(nanoseconds: 90_000_000 + n * 100_000)
            faulty.messageGap.record(nanoseconds: 50_000 + n * 2_000)
        }
        for n in 0..<12 {
            faulty.recordFailure(StreamFailure(
                outcome: .truncated, kind: "grpc.serverStream", connection: n % 8, streamID: Int32(2 * n + 1),
                messagesReceived: 60 + n, messagesPlanned: 100, bytesReceived: (60 + n) * 1_024, bytesPlanned: 102_400,
                grpcStatus: 0, httpStatus: 200, detail: "END_STREAM with grpc-status 0 after \(60 + n) of 100 messages"))
        }
        for n in 0..<10 {
            faulty.recordFailure(StreamFailure(
                outcome: .reset, kind: "grpc.serverStream", connection: n % 8, streamID: Int32(101 + 2 * n),
                messagesReceived: 5, messagesPlanned: 100, bytesReceived: 5_120, bytesPlanned: 102_400,
                errorCode: 8, detail: "RST_STREAM CANCEL | injected after message 5"))
        }
        for n in 0..<3 {
            faulty.recordFailure(StreamFailure(
                outcome: .goaway, kind: "http.get", connection: 7, streamID: Int32(301 + 2 * n),
                messagesReceived: 0, messagesPlanned: 1, bytesReceived: 0, bytesPlanned: 65_536,
                errorCode: 0, detail: "GOAWAY last-stream-id 299"))
        }
        for n in 0..<2 {
            faulty.recordFailure(StreamFailure(
                outcome: .deadline, kind: "grpc.serverStream", connection: 3, streamID: Int32(401 + 2 * n),
                messagesReceived: 47, messagesPlanned: 100, bytesReceived: 65_535, bytesPlanned: 102_400,
                errorCode: n == 0 ? nil : 8, detail: n == 0 ? "client deadline after 47/100 messages" : "server deadline",
                messagesTaken: 29 + n, deadlineSource: n == 0 ? .client : .server))
        }
        faulty.outcomes.deadline = 2
        faulty.serverDeadlines = 1
        for n in UInt64(1)...500 { faulty.consumedDuration.record(nanoseconds: 900_000_000 + n * 2_000_000) }
        faulty.recordConnectionError("connection 7: GOAWAY NO_ERROR from peer")
        faulty.readsWithoutTimestamp = 9_000
        for n in UInt64(1)...400 { faulty.delivery.record(nanoseconds: 250_000 + n * 1_000) }
        faulty.flowControl.connectionZeroWindowNanos = 1_250_000_000
        for n in UInt64(1)...300 { faulty.flowControl.recordStreamZeroWindow(nanoseconds: n * 10_000_000) }
        for n in 0..<900 { faulty.flowControl.recordWindowUpdate(increment: 16_384 + n % 7) }
        faulty.slowStreams = 120
        faulty.consumerDelayNanos = 36_500_000_000
        faulty.openLoop = OpenLoopMeasurements(requestedRate: 110)
        for n in UInt64(0)..<540 { faulty.openLoop?.recordStart(lagNanoseconds: n % 45 == 0 ? 3_000_000 + n * 1_000 : 200_000) }
        for second in 0..<5 {
            faulty.series.record(bytes: 10_240_000, at: second)
            for _ in 0..<100 { faulty.series.streamCompleted(outcome: .complete, at: second) }
        }
        faulty.series.streamCompleted(outcome: .truncated, at: 2)
        var faultyServer = ServerFlowControl()
        for n in UInt64(1)...800 { faultyServer.recordStall(.stream, nanoseconds: n * 50_000) }
        for n in UInt64(1)...20 { faultyServer.recordStall(.connection, nanoseconds: n * 2_000_000) }

        let idle = CellMeasurements()

        var cells = [
            CellResult(index: 0, id: "baseline/t1/r1", threads: 1, serverThreads: 2, variant: "baseline", repeat: 1,
                       durationSeconds: 5, measurements: clean,
                       cpu: CPUUsage(userSeconds: 2.25, systemSeconds: 1.5), peakRSSBytes: 48_234_496,
                       serverFlowControl: cleanServer),
            CellResult(index: 1, id: "window-64k/t2/r1", threads: 2, serverThreads: 2, variant: "window-64k", repeat: 1,
                       durationSeconds: 5, measurements: faulty,
                       cpu: CPUUsage(userSeconds: 3.125, systemSeconds: 2.0), peakRSSBytes: 61_865_984,
                       serverFlowControl: faultyServer),
            CellResult(index: 2, id: "window-64k/t2/r2", threads: 2, serverThreads: 0, variant: "window-64k", repeat: 2,
                       durationSeconds: 5, measurements: idle,
                       cpu: CPUUsage(userSeconds: 0.01, systemSeconds: 0.0), peakRSSBytes: 61_865_984),
        ]
        cells[2].notes.append("target did not accept connections\nwithin 2 s")
        return RunResult(
            runID: "smoke-20250131-120005", startedAt: "2025-01-31T12:00:05Z", finishedAt: "2025-01-31T12:00:25Z",
            status: .complete, environment: environment, profileFile: "profiles/smoke.yaml",
            profile: .object([
                "name": .string("smoke"),
                "duration": .string("5s"),
                "sweep": .object(["threads": .array([.number(1), .number(2)])]),
            ]),
            target: "embedded 127.0.0.1:40123", cells: cells, notes: ["interrupted cells: none"])
    }
}

extension SyntheticRun {
    /// ``make()`` plus a faults table on cell 1 and a managed target's process on cells 0 and 2
    /// (the second one died early), each with the command, env and port it was started with.
    static func withFaultsAndTargetProcess() -> RunResult {
        var run = make()
        run.target = "command `python3 -c 'print('\\''a|b'\\'')' --port 40555` on 127.0.0.1:40555"
        var rst = OutcomeCounts()
        rst.reset = 40
        var clean = OutcomeCounts()
        clean.complete = 480
        clean.truncated = 2
        run.cells[1].faults = [
            FaultOutcome(fault: "rst;after=3;code=8", expected: .reset, streams: rst),
            FaultOutcome(fault: "none", expected: .complete, streams: clean),
        ]
        run.cells[0].target = TargetProcessResult(
            userSeconds: 3.5, systemSeconds: 1.25, peakRSSBytes: 73_400_320, exitStatus: "signal 15 (SIGTERM)", exitCode: nil,
            signal: 15, exitedEarly: false, killedAfterGrace: false, readySeconds: 0.42,
            stdoutFile: "targets/baseline-t1-r1.stdout", stderrFile: "targets/baseline-t1-r1.stderr",
            command: ["./bin/grpc-server", "-addr", "127.0.0.1:40311", "-window", "1048576"],
            env: ["GOMAXPROCS": "2", "GODEBUG": "gctrace=1"], port: 40311)
        run.cells[2].target = TargetProcessResult(
            userSeconds: 0.5, systemSeconds: 0.25, peakRSSBytes: 0, exitStatus: "exit 3", exitCode: 3, signal: nil,
            exitedEarly: true, killedAfterGrace: false, readySeconds: nil,
            stdoutFile: "targets/window-64k-t2-r2.stdout", stderrFile: "targets/window-64k-t2-r2.stderr",
            command: ["python3", "-c", "print('a|b')", "--port", "40555"], env: [:], port: 40555)
        return run
    }
}
