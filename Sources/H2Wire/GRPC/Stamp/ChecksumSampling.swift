/// Which stamped message bodies get the full-body checksum (``MessageStamp/Verifier``).
///
/// Every stamped message is always checked for its stamp (magic, stream id, index) and its
/// length, which is all truncation and ordering need and costs O(1) per message. Summing every
/// body byte is what costs: about 8 % of the driver's CPU on 64 KiB messages even with the AVX2 loop
/// (BENCHMARKS.md). So by default one message in 64 is summed, chosen by a hash of the
/// stream's seed and the message index: reproducible, spread over every stream, and with no
/// pattern a server bug could line up with. `all` sums every body; `none` none.
///
/// Text form (profiles, `run.json`): `all`, `none` or `1/N` with 2 ≤ N ≤ 1,000,000.
public struct ChecksumSampling: Sendable, Hashable, CustomStringConvertible {
    /// About one message in `oneIn` is summed; 1 = every message, 0 = none.
    public let oneIn: Int

    /// Every stamped body is summed.
    public static let all = ChecksumSampling(uncheckedOneIn: 1)
    /// No body is summed (stamps and lengths are still checked).
    public static let none = ChecksumSampling(uncheckedOneIn: 0)
    /// The default: one message in 64 (measurement overhead ≈ 2–3 % against 3–5.5 % at one in 16,
    /// BENCHMARKS.md).
    public static let `default` = ChecksumSampling(uncheckedOneIn: 64)
    /// Largest N of `1/N`.
    public static let maxOneIn = 1_000_000

    private init(uncheckedOneIn: Int) { oneIn = uncheckedOneIn }

    /// About one message in `n` (1 = all). `nil` when `n` is outside 1…``maxOneIn``.
    public init?(oneIn n: Int) {
        guard n >= 1 && n <= Self.maxOneIn else { return nil }
        oneIn = n
    }

    /// Parses `all`, `none` or `1/N`; `nil` for anything else.
    public init?(text: String) {
        switch text {
        case "all": self = .all
        case "none": self = .none
        default:
            guard text.hasPrefix("1/"), let n = Int(text.dropFirst(2)), n >= 2 else { return nil }
            self.init(oneIn: n)
        }
    }

    /// `all`, `none` or `1/N`.
    public var description: String {
        switch oneIn {
        case 0: "none"
        case 1: "all"
        default: "1/\(oneIn)"
        }
    }

    /// The expected share of messages summed, 0…1.
    public var share: Double { oneIn == 0 ? 0 : 1 / Double(oneIn) }

    /// Whether message `index` of the stream whose seed is `seed` is summed.
    @inlinable
    public func covers(seed: UInt64, index: Int) -> Bool {
        switch oneIn {
        case 1: return true
        case 0: return false
        default:
            let h = MessageStamp.splitMix(seed &+ UInt64(truncatingIfNeeded: index) &* 0xD6E8_FEB8_6659_FD93)
            return h % UInt64(oneIn) == 0
        }
    }
}

extension ChecksumSampling: Codable {
    /// Decodes the text form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ChecksumSampling(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "checksum: write all, none or 1/N, got \(text)"))
        }
        self = value
    }

    /// Encodes the text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
