#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Formats wall-clock times in UTC for `run.json` and results directory names.
public enum UTCTimestamp {
    /// ISO-8601 with second resolution, e.g. `2025-01-31T12:00:05Z`.
    public static func iso8601(_ date: Date) -> String {
        let t = components(date)
        return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))T\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))Z"
    }

    /// ISO-8601 with millisecond resolution (truncated), e.g. `2025-01-31T12:00:05.123Z`.
    public static func iso8601Milliseconds(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        let seconds = iso8601(date)
        return String(seconds.dropLast()) + "." + pad((milliseconds + 1000) % 1000, 3) + "Z"
    }

    /// Compact form for directory names, `YYYYMMDD-HHMMSS`, e.g. `20250131-120005`.
    public static func compact(_ date: Date) -> String {
        let t = components(date)
        return "\(pad(t.year, 4))\(pad(t.month, 2))\(pad(t.day, 2))-\(pad(t.hour, 2))\(pad(t.minute, 2))\(pad(t.second, 2))"
    }

    private static func components(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
