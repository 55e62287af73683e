import H2Loop

extension ChildProcess {
    /// Starts one of the bench's children (`h2load`, `h2stress serve`): `executable` (an
    /// absolute path) with `arguments`, its stdout and stderr captured together in one buffer
    /// (``ChildProcess/standardOutputText``, interleaved as written), stdin inherited.
    static func benchChild(executable: String, arguments: [String]) throws(BenchError) -> ChildProcess {
        do {
            return try ChildProcess.spawn(arguments: [executable] + arguments, stdout: .capture, stderr: .standardOutput)
        } catch {
            throw BenchError("cannot start `\(executable)`: \(error)")
        }
    }
}
