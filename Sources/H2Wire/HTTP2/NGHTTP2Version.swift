import CNghttp2

/// The version of the linked libnghttp2, e.g. `"1.52.0"`.
///
/// The corresponding C function is `nghttp2_version`.
public func nghttp2VersionString() -> String {
    guard let info = nghttp2_version(0) else { return "unknown" }
    return String(cString: info.pointee.version_str)
}
