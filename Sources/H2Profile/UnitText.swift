/// Shared number-with-unit scanning for `ByteCount` and `TimeSpan`.
///
/// A quantity is a non-negative decimal number (digits, at most one `.`, `_` allowed
/// between digits), optional spaces, then a unit from a fixed table. Arithmetic is exact
/// integer arithmetic: `1.5GiB` is 1_610_612_736 bytes, `1.5B` is rejected because it is
/// not a whole number of bytes.
enum UnitText {
    /// Why a text could not be read as a quantity; `hint` is a short instruction.
    struct Failure: Error, Equatable {
        var hint: String?
    }

    /// Parses `text` as `number unit` using `units` (unit → multiplier in base units).
    /// `bareUnit` is the multiplier used when no unit is written (`nil`: a unit is required
    /// except for zero).
    static func parse(
        _ text: String, units: [(name: String, multiplier: UInt64)], bareUnit: UInt64?, unitNoun: String
    ) -> Result<UInt64, Failure> {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { return .failure(Failure(hint: nil)) }
        if trimmed.hasPrefix("-") { return .failure(Failure(hint: "\(unitNoun)s cannot be negative")) }
        var digits = ""
        var fraction = ""
        var seenDot = false
        var index = trimmed.startIndex
        while index < trimmed.endIndex {
            let c = trimmed[index]
            if c.isASCII, c.isNumber {
                if seenDot { fraction.append(c) } else { digits.append(c) }
            } else if c == "." && !seenDot {
                seenDot = true
            } else if c == "_" && !(digits.isEmpty && fraction.isEmpty) {
                // digit separator
            } else {
                break
            }
            index = trimmed.index(after: index)
        }
        guard !digits.isEmpty || !fraction.isEmpty else { return .failure(Failure(hint: nil)) }
        let unit = String(trimmed[index...]).trimmingSpaces()
        let multiplier: UInt64
        if unit.isEmpty {
            if let bareUnit {
                multiplier = bareUnit
            } else {
                let isZero = (digits + fraction).allSatisfy { $0 == "0" }
                guard isZero else {
                    return .failure(Failure(hint: "add a unit, for example `\(trimmed)\(units.first(where: { $0.name == "s" })?.name ?? units[0].name)`"))
                }
                multiplier = 1
            }
        } else if let match = units.first(where: { $0.name == unit }) {
            multiplier = match.multiplier
        } else {
            let names = units.map(\.name)
            let near = names.filter { $0.lowercased() == unit.lowercased() }
            if !near.isEmpty {
                let options = near.map { "`\(digits)\(seenDot ? "." + fraction : "")\($0)`" }
                return .failure(Failure(hint: "did you mean \(options.joined(separator: " or "))?"))
            }
            if let close = FieldSuggestion.closest(to: unit, among: names) {
                return .failure(Failure(hint: "unknown unit `\(unit)`; did you mean `\(close)`?"))
            }
            return .failure(Failure(hint: "unknown unit `\(unit)`; use one of \(names.map { "`\($0)`" }.joined(separator: ", "))"))
        }
        guard fraction.count <= 12 else { return .failure(Failure(hint: "use at most 12 decimal places")) }
        var scale: UInt64 = 1
        for _ in 0..<fraction.count { scale *= 10 }
        guard let whole = UInt64(digits.isEmpty ? "0" : digits), let part = UInt64(fraction.isEmpty ? "0" : fraction) else {
            return .failure(Failure(hint: "the number is too large"))
        }
        let (scaledWhole, o1) = whole.multipliedReportingOverflow(by: scale)
        let (mantissa, o2) = scaledWhole.addingReportingOverflow(part)
        let (product, o3) = mantissa.multipliedReportingOverflow(by: multiplier)
        guard !o1, !o2, !o3 else { return .failure(Failure(hint: "the number is too large")) }
        guard product % scale == 0 else {
            return .failure(Failure(hint: "it is not a whole number of \(unitNoun == "size" ? "bytes" : "nanoseconds")"))
        }
        return .success(product / scale)
    }

    /// Formats `value` with the largest unit of `units` that divides it exactly
    /// (`units` ordered largest first; the last must have multiplier 1).
    static func format(_ value: UInt64, units: [(name: String, multiplier: UInt64)], zero: String) -> String {
        if value == 0 { return zero }
        for unit in units where value % unit.multiplier == 0 {
            return "\(value / unit.multiplier)\(unit.name)"
        }
        return "\(value)"
    }
}
