import Foundation
import H2Profile

/// A fingerprint of a resolved profile (`run.json` `profileHash`): the same for every shard of one
/// run, different when anything that shapes the load differs. `merge` refuses shards whose
/// hashes differ.
///
/// The hash is FNV-1a (64 bit) over the profile encoded as JSON with sorted keys (defaults,
/// overrides, `--threads` and `--duration` applied, before the shard split), followed by
/// `totalStreams=<n>` when `run --streams` was given. Written `fnv1a64:<16 hex digits>`.
/// It detects accidental differences; it is not a cryptographic hash.
public enum ProfileHash {
    /// The hash of `profile` run with `totalStreams` (`--streams`), or `nil` when the profile cannot be encoded.
    public static func of(_ profile: Profile, totalStreams: Int?) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var bytes = try? encoder.encode(profile) else { return nil }
        if let totalStreams { bytes.append(contentsOf: Array("totalStreams=\(totalStreams)".utf8)) }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
