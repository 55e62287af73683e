/// What one stream of the mix does. In YAML the key names the kind:
/// `grpc.serverStream`, `grpc.unary` or `http.get`.
public enum StreamKind: Sendable, Hashable, Codable {
    /// `grpc.serverStream: {messages, size, interval, bursts}`.
    case grpcServerStream(ServerStreamSpec)
    /// `grpc.unary: {requestSize, responseSize}`.
    case grpcUnary(UnarySpec)
    /// `http.get: {size, path}`.
    case httpGet(HTTPGetSpec)

    /// The YAML key of this kind (`grpc.serverStream`, `grpc.unary`, `http.get`).
    public var yamlKey: String {
        switch self {
        case .grpcServerStream: "grpc.serverStream"
        case .grpcUnary: "grpc.unary"
        case .httpGet: "http.get"
        }
    }
}
