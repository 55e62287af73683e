/// gRPC status codes and their names (grpc/doc/statuscodes.md), the one table profiles and
/// verdicts use.
public enum GRPCStatusName {
    /// Every code from 0 to 16 with its name, in order.
    public static let all: [(name: String, code: Int)] = [
        ("OK", 0), ("CANCELLED", 1), ("UNKNOWN", 2), ("INVALID_ARGUMENT", 3), ("DEADLINE_EXCEEDED", 4),
        ("NOT_FOUND", 5), ("ALREADY_EXISTS", 6), ("PERMISSION_DENIED", 7), ("RESOURCE_EXHAUSTED", 8),
        ("FAILED_PRECONDITION", 9), ("ABORTED", 10), ("OUT_OF_RANGE", 11), ("UNIMPLEMENTED", 12),
        ("INTERNAL", 13), ("UNAVAILABLE", 14), ("DATA_LOSS", 15), ("UNAUTHENTICATED", 16),
    ]

    /// `5 (NOT_FOUND)`, or the bare number for a code outside the table.
    public static func text(_ code: Int) -> String {
        guard code >= 0, code < all.count else { return "\(code)" }
        return "\(code) (\(all[code].name))"
    }
}
