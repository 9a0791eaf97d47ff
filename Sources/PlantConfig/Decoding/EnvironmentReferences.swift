/// `${NAME}` references inside scalar values, replaced from the environment before a value is
/// converted. They work in every scalar style (plain, single- and double-quoted) and anywhere in the
/// text (`https://${HUB_HOST}:8443`). `$${` is a literal `${`; a `$` not followed by `{` is literal.
/// Names are `[A-Za-z_][A-Za-z0-9_]*`. A variable that is not set is an error naming it; one set to
/// the empty string gives the empty string. Keys are never substituted.
enum EnvironmentReferences {
    static func resolve(_ text: String, environment: [String: String]) -> Result<String, ConfigConversionFailure> {
        guard text.contains("$") else { return .success(text) }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$", index + 1 < scalars.count else {
                result.append(scalar)
                index += 1
                continue
            }
            if scalars[index + 1] == "$", index + 2 < scalars.count, scalars[index + 2] == "{" {
                result.append(contentsOf: ["$", "{"])
                index += 3
                continue
            }
            guard scalars[index + 1] == "{" else {
                result.append(scalar)
                index += 1
                continue
            }
            guard let close = scalars[(index + 2)...].firstIndex(of: "}") else {
                return .failure(
                    ConfigConversionFailure(
                        "unterminated \"${\" in \(MessageText.quoted(text)); write \"$${\" for a literal \"${\""))
            }
            let name = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
            guard isVariableName(name) else {
                return .failure(
                    ConfigConversionFailure(
                        "invalid environment variable name \(MessageText.quoted(name)); "
                            + "names are letters, digits and \"_\", not starting with a digit"))
            }
            guard let value = environment[name] else {
                return .failure(ConfigConversionFailure("environment variable \(name) is not set"))
            }
            result.append(contentsOf: value.unicodeScalars)
            index = close + 1
        }
        return .success(String(result))
    }

    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_": true
            default: false
            }
        }
    }
}
