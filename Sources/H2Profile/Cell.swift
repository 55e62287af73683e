/// One point of a sweep: a variant at one driver thread count, one server thread count and
/// one repeat.
public struct Cell: Sendable, Hashable, Codable {
    /// Position in the run order (0-based).
    public var index: Int
    /// `<variant>/t<threads>/s<serverThreads>/r<repeat>`, e.g. `window-64k/t2/s1/r1`.
    public var id: String
    /// Driver worker threads.
    public var threads: Int
    /// Embedded server threads.
    public var serverThreads: Int
    /// Variant name (`default` when the profile has no variants).
    public var variant: String
    /// Repeat number, 1-based.
    public var `repeat`: Int
    /// The fully resolved profile: variant overrides applied, `threads` and `server.threads`
    /// set to this cell's values.
    public var profile: Profile
}
