/// What one stream of the mix does. In YAML the key names the kind:
/// `grpc.serverStream`, `grpc.unary`, `grpc.call`, `http.get` or `http.request`.
public enum StreamKind: Sendable, Hashable, Codable {
    /// `grpc.serverStream: {messages, size, interval, bursts}`.
    case grpcServerStream(ServerStreamSpec)
    /// `grpc.unary: {requestSize, responseSize}`.
    case grpcUnary(UnarySpec)
    /// `http.get: {size, path}`.
    case httpGet(HTTPGetSpec)
    /// `http.request: {method, path, headers, body, expect: {status, size}}`.
    case httpRequest(HTTPRequestSpec)
    /// `grpc.call: {method, request, metadata, expect: {status, messages, messageSize}}`.
    case grpcCall(GRPCCallSpec)

    /// The YAML key of this kind (`grpc.serverStream`, `grpc.unary`, `http.get`, …).
    public var yamlKey: String {
        switch self {
        case .grpcServerStream: "grpc.serverStream"
        case .grpcUnary: "grpc.unary"
        case .httpGet: "http.get"
        case .httpRequest: "http.request"
        case .grpcCall: "grpc.call"
        }
    }
}
