/// "Did you mean …?" for misspelt keys and words.
enum Suggestions {
    /// The candidate nearest to `word` by edit distance (a swap of two neighbours counts as one
    /// edit), when it is near enough to be a likely typo: 1 edit for words up to 4 characters,
    /// 2 up to 9, 3 beyond; or when `word` (3 characters or more) begins the candidate. Ties go to
    /// the earlier candidate.
    static func closest(to word: String, among candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let allowed = candidate.count <= 4 ? 1 : candidate.count <= 9 ? 2 : 3
            var distance = editDistance(Array(word.unicodeScalars), Array(candidate.unicodeScalars))
            // An abbreviation ("warn" for "warning") is as likely as a typo.
            if word.count >= 3, candidate.lowercased().hasPrefix(word.lowercased()) {
                distance = min(distance, allowed)
            }
            if distance <= allowed, distance < best?.distance ?? .max {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
    /// adjacent characters, case-insensitively for ASCII letters (`Port` is a typo of `port`).
    static func editDistance(_ source: [Unicode.Scalar], _ target: [Unicode.Scalar]) -> Int {
        let source = source.map(lowercased)
        let target = target.map(lowercased)
        if source.isEmpty { return target.count }
        if target.isEmpty { return source.count }
        var previousRow: [Int] = []
        var row = Array(0...target.count)
        for i in 1...source.count {
            let beforePrevious = previousRow
            previousRow = row
            row = [i] + Array(repeating: 0, count: target.count)
            for j in 1...target.count {
                let cost = source[i - 1] == target[j - 1] ? 0 : 1
                row[j] = min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost)
                if i > 1, j > 1, source[i - 1] == target[j - 2], source[i - 2] == target[j - 1] {
                    row[j] = min(row[j], beforePrevious[j - 2] + 1)
                }
            }
        }
        return row[target.count]
    }

    private static func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
    }
}
