import CNghttp2

/// Builds an `nghttp2_nv` array in scratch storage owned by one session and reused for
/// every header block it submits.
///
/// Static names and values point straight at `StaticString` storage with the
/// `NO_COPY` flags; dynamic ones are packed into one byte buffer, which nghttp2 copies
/// during `nghttp2_submit_*`, so the scratch can be reused as soon as the submit returns.
///
/// *Threading*: owned by one session, used on its thread only.
/// *Invariants*: call ``begin(fieldCount:dynamicBytes:)`` with upper bounds before adding;
/// the byte buffer never reallocates between `begin` and the submit (pointers into it stay valid).
final class HeaderBlockBuilder {
    private var fields: UnsafeMutablePointer<nghttp2_nv>
    private var fieldCapacity: Int
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCapacity: Int
    /// Fields added since `begin`.
    private(set) var count = 0
    private var used = 0
    private var reservedFields = 0
    private var reservedBytes = 0

    init() {
        fieldCapacity = 16
        fields = .allocate(capacity: fieldCapacity)
        byteCapacity = 1024
        bytes = .allocate(capacity: byteCapacity)
    }

    deinit {
        fields.deallocate()
        bytes.deallocate()
    }

    /// The fields added so far, valid until the next `begin`.
    var pointer: UnsafePointer<nghttp2_nv> { UnsafePointer(fields) }

    /// Starts a block of at most `fieldCount` fields whose copied bytes total at most `dynamicBytes`.
    func begin(fieldCount: Int, dynamicBytes: Int) {
        if fieldCount > fieldCapacity {
            fields.deallocate()
            fieldCapacity = max(fieldCount, fieldCapacity * 2)
            fields = .allocate(capacity: fieldCapacity)
        }
        let neededBytes = dynamicBytes + 64  // slack for decimals and scalar-form static strings
        if neededBytes > byteCapacity {
            bytes.deallocate()
            byteCapacity = max(neededBytes, byteCapacity * 2)
            bytes = .allocate(capacity: byteCapacity)
        }
        count = 0
        used = 0
        reservedFields = fieldCount
        reservedBytes = byteCapacity
    }

    /// Upper bound of the bytes ``add(_:)`` copies for `headers`.
    static func dynamicByteCount(_ headers: [HeaderField]) -> Int {
        var total = 0
        for field in headers { total += field.name.utf8.count + field.value.utf8.count }
        return total
    }

    /// Adds a field whose name and value live forever (no copy anywhere).
    func addStatic(name: StaticString, value: StaticString) {
        let (namePointer, nameLength, nameFlag) = staticBytes(name, flag: noCopyName)
        let (valuePointer, valueLength, valueFlag) = staticBytes(value, flag: noCopyValue)
        append(namePointer, nameLength, valuePointer, valueLength, flags: nameFlag | valueFlag)
    }

    /// Adds a field with a static name and a copied value.
    func add(name: StaticString, value: String) {
        let (namePointer, nameLength, nameFlag) = staticBytes(name, flag: noCopyName)
        let (valuePointer, valueLength) = copy(value)
        append(namePointer, nameLength, valuePointer, valueLength, flags: nameFlag)
    }

    /// Adds a field with a static name and a decimal value (e.g. `:status`), optionally
    /// followed by one `suffix` byte (e.g. the unit of `grpc-timeout`).
    func add(name: StaticString, decimal: Int, suffix: UInt8? = nil) {
        precondition(decimal >= 0, "BUG DETECTED: negative header value \(decimal)")
        let (namePointer, nameLength, nameFlag) = staticBytes(name, flag: noCopyName)
        var digits = 0
        var rest = decimal
        repeat { digits += 1; rest /= 10 } while rest > 0
        let length = digits + (suffix == nil ? 0 : 1)
        precondition(used + length <= reservedBytes, "BUG DETECTED: header bytes not reserved")
        let start = bytes + used
        rest = decimal
        for index in stride(from: digits - 1, through: 0, by: -1) {
            start[index] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
            rest /= 10
        }
        if let suffix { start[digits] = suffix }
        used += length
        append(namePointer, nameLength, start, length, flags: nameFlag)
    }

    /// Adds a copied field.
    func add(_ field: HeaderField) {
        let (namePointer, nameLength) = copy(field.name)
        let (valuePointer, valueLength) = copy(field.value)
        append(namePointer, nameLength, valuePointer, valueLength, flags: 0)
    }

    /// Adds `count` ready fields (their bytes are referenced as they are flagged).
    func add(fields source: UnsafePointer<nghttp2_nv>, count added: Int) {
        precondition(count + added <= reservedFields, "BUG DETECTED: more header fields than reserved")
        (fields + count).update(from: source, count: added)
        count += added
    }

    /// Adds every field of `headers`, copied.
    func add(_ headers: [HeaderField]) {
        for field in headers { add(field) }
    }

    // MARK: - Private

    private var noCopyName: UInt8 { UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue) }
    private var noCopyValue: UInt8 { UInt8(NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue) }

    private func append(_ name: UnsafeMutablePointer<UInt8>, _ nameLength: Int,
                        _ value: UnsafeMutablePointer<UInt8>, _ valueLength: Int, flags: UInt8) {
        precondition(count < reservedFields, "BUG DETECTED: more header fields than reserved")
        fields[count] = nghttp2_nv(name: name, value: value, namelen: nameLength, valuelen: valueLength, flags: flags)
        count += 1
    }

    /// Points at a static string's bytes (flag set: nghttp2 must not copy), or copies it
    /// when the literal has no pointer representation (a single Unicode scalar).
    private func staticBytes(_ string: StaticString, flag: UInt8) -> (UnsafeMutablePointer<UInt8>, Int, UInt8) {
        if string.hasPointerRepresentation {
            // nghttp2 never writes through these pointers; the mutable type is the C signature's.
            return (UnsafeMutablePointer(mutating: string.utf8Start), string.utf8CodeUnitCount, flag)
        }
        let (pointer, length) = copy(string.description)
        return (pointer, length, 0)
    }

    private func copy(_ string: String) -> (UnsafeMutablePointer<UInt8>, Int) {
        let utf8 = string.utf8
        let length = utf8.count
        precondition(used + length <= reservedBytes, "BUG DETECTED: header bytes not reserved")
        let start = bytes + used
        let copied = utf8.withContiguousStorageIfAvailable { source -> Bool in
            if length > 0 { start.update(from: source.baseAddress!, count: length) }
            return true
        }
        if copied == nil {
            var index = 0
            for byte in utf8 { start[index] = byte; index += 1 }
        }
        used += length
        return (start, length)
    }
}

