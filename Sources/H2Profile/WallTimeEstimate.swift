import H2Wire
/// How long a run's load takes, worked out from its cells alone (for `validate` and the start of
/// `run`); target start-up and shutdown are not included.
///
/// A cell always runs its whole `warmup`, then measures until `duration` ends or — with
/// `totalStreams` — until that many measured streams have finished, whichever comes first
/// (each driver worker ends once its share of `totalStreams` is done; the cell ends with the
/// last worker). So:
///
/// - ``atMost`` is Σ (`warmup` + `duration`): exact for cells without `totalStreams`, an upper
///   bound for cells with it.
/// - ``paced`` is Σ (`warmup` + the time `totalStreams` need at the pace the mix sets, never
///   more than `duration`). The pace: a `grpc.serverStream` lasts at least `messages × interval`
///   (the server waits `interval` before each message), capped by `client.deadline`; unary
///   calls and GETs are not paced and count as instant. Per worker, its share of
///   `totalStreams` runs in rounds of its concurrent streams (its connections ×
///   `streamsPerConnection`, and no more than the embedded server's `maxConcurrentStreams`);
///   each round takes the mix's weighted mean paced time, and the whole at least the
///   longest paced stream. In open loop it is also at least `totalStreams / rate` plus the
///   mean paced time. Faults change the pace of the share of streams that asks for them:
///   `stall` and `delay` add their pause, `withhold-credit` lasts until the deadline, faults that
///   end a stream after `after` messages end its pacing there, `refuse` is instant. Slow
///   consumers and a slow target only make a cell longer.
///
/// `paced` is an estimate, not a bound: against a target that answers at once and a mix drawn
/// close to its weights the cell takes about that long; a mix without pacing gives just the warm-ups.
public struct WallTimeEstimate: Sendable, Equatable, CustomStringConvertible {
    /// Σ over cells of `warmup` + the time the cell's `totalStreams` need at the mix's pace
    /// (`duration` for cells without `totalStreams`, and never more than it).
    public var paced: TimeSpan
    /// Σ over cells of `warmup` + `duration`: no cell measures longer.
    public var atMost: TimeSpan

    /// The estimate for `cells`; `totalStreams`, when given, replaces each cell's (`run --streams`).
    public init(cells: [Cell], totalStreams: Int? = nil) {
        paced = .zero
        atMost = .zero
        for cell in cells {
            paced = paced + cell.profile.warmup + TimeSpan(nanoseconds: Self.measuredNanoseconds(cell, totalStreams: totalStreams ?? cell.profile.totalStreams))
            atMost = atMost + cell.profile.warmup + cell.profile.duration
        }
    }

    /// How long `cell` measures at the mix's pace: `duration`, or less when `totalStreams` can be
    /// done sooner (see the type's summary).
    static func measuredNanoseconds(_ cell: Cell, totalStreams: Int?) -> UInt64 {
        let p = cell.profile
        let duration = p.duration.nanoseconds
        guard let total = totalStreams else { return duration }
        // A stream ends at its deadline, and no stream measures beyond the cell's end.
        let cap = min(duration, p.client.deadline?.nanoseconds ?? .max)
        let cleanShare = max(0, 1 - p.faults.reduce(0) { $0 + $1.share })
        var weightedSum = 0.0, longest: UInt64 = 0
        for entry in p.mix {
            let clean = min(cap, Self.pacedNanoseconds(entry.kind, fault: nil))
            var time = cleanShare * Double(clean)
            if cleanShare > 0 { longest = max(longest, clean) }
            for spec in p.faults {
                let faulted = min(cap, Self.pacedNanoseconds(entry.kind, fault: spec.fault))
                time += spec.share * Double(faulted)
                longest = max(longest, faulted)
            }
            weightedSum += Double(entry.weight) * time
        }
        let mean = weightedSum / Double(max(1, p.mix.reduce(0) { $0 + $1.weight }))
        // The driver's split: min(threads, connections) workers, connections and streams round-robin.
        let workers = max(1, min(cell.threads, p.connections))
        var perStream = p.streamsPerConnection
        if p.target == .embedded { perStream = min(perStream, p.server.maxConcurrentStreams) }
        var needed = Double(longest)
        for worker in 0..<workers {
            let connections = p.connections / workers + (worker < p.connections % workers ? 1 : 0)
            let quota = total / workers + (worker < total % workers ? 1 : 0)
            let concurrent = max(1, connections * perStream)
            let rounds = (quota + concurrent - 1) / concurrent
            needed = max(needed, Double(rounds) * mean)
        }
        if let rate = p.rate { needed = max(needed, Double(total) / rate * 1e9 + mean) }
        return needed >= Double(duration) ? duration : UInt64(needed.rounded())
    }

    /// The least time a stream of `kind` that asks for `fault` takes because the server paces it
    /// (before the deadline): `messages × interval` for a server stream, 0 for unary calls and
    /// GETs; changed by the fault as the type's summary says (`.max`: until the deadline).
    static func pacedNanoseconds(_ kind: StreamKind, fault: Fault?) -> UInt64 {
        var messages = 0, interval: UInt64 = 0
        if case .grpcServerStream(let spec) = kind { (messages, interval) = (spec.messages, spec.interval.nanoseconds) }
        switch fault?.kind {
        case nil, .corrupt:
            break
        case .refuse:
            messages = 0
        case .withholdCredit:
            return .max
        case .stall, .delay:
            let pause = UInt64(max(0, fault?.milliseconds ?? 0)) * 1_000_000
            let (sum, overflow) = interval.multipliedSaturating(by: UInt64(messages)).addingReportingOverflow(pause)
            return overflow ? .max : sum
        case .rst, .goaway, .close, .tcpReset, .truncate, .cut, .noTrailers, .status:
            if let after = fault?.effectiveAfter { messages = min(messages, max(0, after)) }
        }
        return interval.multipliedSaturating(by: UInt64(messages))
    }

    /// `about 20s of load`, or `2m 5s to 18m of load (…)` when `totalStreams` may end cells before `duration`.
    public var description: String {
        if paced == atMost { return "about \(Self.approximate(atMost)) of load" }
        return "\(Self.approximate(paced)) to \(Self.approximate(atMost)) of load (a cell ends after `totalStreams` streams, at the latest at `duration`)"
    }

    /// `span` for people: `1h 2m`, `3m 30s`, `45s` (rounded to the second from 1 s), `250ms`, `0s`.
    static func approximate(_ span: TimeSpan) -> String {
        let ns = span.nanoseconds
        guard ns >= 1_000_000_000 else {
            let ms = (ns + 500_000) / 1_000_000
            return ms == 0 ? "0s" : ms == 1000 ? "1s" : "\(ms)ms"
        }
        let seconds = (ns + 500_000_000) / 1_000_000_000
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        return [(h, "h"), (m, "m"), (s, "s")].filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }
}

extension UInt64 {
    /// `self × other`, or `.max` on overflow.
    fileprivate func multipliedSaturating(by other: UInt64) -> UInt64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
