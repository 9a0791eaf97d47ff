/// A JSON object: unique keys, members kept sorted by the UTF-8 bytes of their keys (RFC 8785 style
/// ordering for our ASCII keys), so lookups are binary searches and writing needs no sort.
/// Keys compare byte-wise, not by Swift's Unicode canonical equivalence: "é" and "e\u{301}" are different keys.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    public struct Member: Sendable, Hashable {
        public let key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var members: [Member]

    public init() {
        members = []
    }

    /// Members already sorted and unique (the parser's output).
    init(sortedUniqueMembers: [Member]) {
        members = sortedUniqueMembers
    }

    /// From pairs; a key given twice traps (a programming error in a literal).
    init(literalPairs: [(String, JSONValue)]) {
        members = []
        members.reserveCapacity(literalPairs.count)
        for (key, value) in literalPairs {
            let (found, index) = Self.search(members, key)
            precondition(!found, "duplicate key \"\(key)\" in JSON object literal")
            members.insert(Member(key: key, value: value), at: index)
        }
    }

    /// From a dictionary (keys are unique already).
    public init(_ dictionary: [String: JSONValue]) {
        members = dictionary.map { Member(key: $0.key, value: $0.value) }
        members.sort { compareUTF8($0.key, $1.key) < 0 }
    }

    public var startIndex: Int { members.startIndex }
    public var endIndex: Int { members.endIndex }
    public subscript(position: Int) -> Member { members[position] }

    public var keys: [String] { members.map(\.key) }

    /// The value for `key`, or nil when absent. Setting nil removes the member.
    public subscript(key: String) -> JSONValue? {
        get {
            let (found, index) = Self.search(members, key)
            return found ? members[index].value : nil
        }
        set {
            let (found, index) = Self.search(members, key)
            switch (found, newValue) {
            case (true, let value?): members[index].value = value
            case (true, nil): members.remove(at: index)
            case (false, let value?): members.insert(Member(key: key, value: value), at: index)
            case (false, nil): break
            }
        }
    }

    /// Binary search: (found, index of the key or of its insertion point).
    static func search(_ members: [Member], _ key: String) -> (Bool, Int) {
        var low = 0
        var high = members.count
        while low < high {
            let mid = (low + high) / 2
            let order = compareUTF8(members[mid].key, key)
            if order == 0 { return (true, mid) }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return (false, low)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(literalPairs: elements)
    }
}

/// Byte-wise comparison of two strings' UTF-8: negative, zero or positive. (An inline loop beats memcmp
/// for the short keys JSON objects have.)
@inline(__always) func compareUTF8(_ a: borrowing String, _ b: borrowing String) -> Int {
    if let order = a.utf8.withContiguousStorageIfAvailable({ x in
        b.utf8.withContiguousStorageIfAvailable { y in
            let n = min(x.count, y.count)
            var k = 0
            while k < n {
                let p = x[k]
                let q = y[k]
                if p != q { return Int(p) - Int(q) }
                k += 1
            }
            return x.count - y.count
        }
    }), let order {
        return order
    }
    var a = copy a
    var b = copy b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let n = min(x.count, y.count)
            var k = 0
            while k < n {
                let p = x[k]
                let q = y[k]
                if p != q { return Int(p) - Int(q) }
                k += 1
            }
            return x.count - y.count
        }
    }
}

/// Byte-wise equality (not Swift's canonical equivalence).
@inline(__always) func equalUTF8(_ a: borrowing String, _ b: borrowing String) -> Bool {
    a.utf8.count == b.utf8.count && compareUTF8(a, b) == 0
}
