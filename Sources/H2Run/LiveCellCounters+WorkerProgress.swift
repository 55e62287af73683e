import H2Driver
import H2Metrics

extension LiveCellCounters {
    /// The cell's figures so far: the sum of every worker's last published counters.
    init(progress: [WorkerProgress]) {
        self.init()
        for worker in progress {
            outcomes.add(worker.outcomes)
            streamsStarted += worker.streamsStarted
            bytesReceived += worker.bytesReceived
            messagesReceived += worker.messagesReceived
        }
    }
}
