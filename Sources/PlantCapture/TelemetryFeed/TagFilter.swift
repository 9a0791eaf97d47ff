/// A glob over tag ids: `*` matches any run of characters (dots included), `?` exactly one; everything else
/// matches itself. `Channel1.Line3.*`, `*.GoodCount`, `Press??.State`.
public struct TagPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    private let scalars: [Unicode.Scalar]

    public init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    public var description: String { text }

    public func matches(_ id: String) -> Bool {
        let name = Array(id.unicodeScalars)
        var p = 0
        var n = 0
        // Where the last `*` was and how much of the name it swallowed: backtrack there on a mismatch.
        var star: Int?
        var starName = 0
        while n < name.count {
            if p < scalars.count && (scalars[p] == "?" || (scalars[p] != "*" && scalars[p] == name[n])) {
                p += 1
                n += 1
            } else if p < scalars.count && scalars[p] == "*" {
                star = p
                starName = n
                p += 1
            } else if let star {
                p = star + 1
                starName += 1
                n = starName
            } else {
                return false
            }
        }
        while p < scalars.count && scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}

/// Which tags a feed passes on, and under which names. A tag passes when it matches an `include` pattern
/// (or `include` is empty) and no `exclude` pattern. Then `rename` maps its exact id to the tag name the
/// aggregator's lines refer to; ids not in `rename` keep their name.
public struct TagFilter: Sendable, Hashable {
    public var include: [TagPattern]
    public var exclude: [TagPattern]
    public var rename: [String: String]

    public init(include: [TagPattern] = [], exclude: [TagPattern] = [], rename: [String: String] = [:]) {
        self.include = include
        self.exclude = exclude
        self.rename = rename
    }

    /// The name to deliver `id` under, or nil when the filter drops it.
    public func route(_ id: String) -> String? {
        if !include.isEmpty && !include.contains(where: { $0.matches(id) }) { return nil }
        if exclude.contains(where: { $0.matches(id) }) { return nil }
        return rename[id] ?? id
    }
}

/// A `TagFilter` with a memory of its decisions: a feed sends the same few thousand ids over and over, so
/// each id is matched once. One per connection thread (not shared, no lock). The memory is bounded: a feed
/// inventing ids cannot grow it past `capacity`; it starts over instead.
struct TagRouter {
    let filter: TagFilter
    let capacity: Int
    private var decisions: [String: String?] = [:]
    private let passesEverything: Bool

    init(filter: TagFilter, capacity: Int = 65_536) {
        self.filter = filter
        self.capacity = capacity
        passesEverything = filter.include.isEmpty && filter.exclude.isEmpty && filter.rename.isEmpty
    }

    mutating func route(_ id: String) -> String? {
        if passesEverything { return id }
        if let decision = decisions[id] { return decision }
        if decisions.count >= capacity { decisions.removeAll(keepingCapacity: true) }
        let decision = filter.route(id)
        decisions[id] = decision
        return decision
    }
}
