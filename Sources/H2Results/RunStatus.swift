/// Where a run stands; `status` in `run.json`.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    /// Cells are still running (the file is rewritten after every cell).
    case running
    /// Every cell ran.
    case complete
    /// The user stopped the run (e.g. Ctrl-C); the cells written so far are valid.
    case interrupted
    /// The run could not go on (target failed, internal error); see `notes`.
    case failed
}
