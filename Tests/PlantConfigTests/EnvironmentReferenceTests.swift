import PlantConfig
import Testing

/// `${NAME}` references, through a map so the path and position come along.
@Suite struct EnvironmentReferenceTests {
    private func value(_ scalar: String, _ environment: [String: String]) -> String {
        let result = ConfigMap.decode(
            text: "v: \(scalar)\n", file: "env.yaml", environment: environment, files: StubFiles()
        ) {
            $0.required("v", .string)
        }
        switch result {
        case .success(let text): return text
        case .failure(let errors): return errors.description
        }
    }

    @Test func referencesAreReplacedInEveryStyle() {
        let environment = ["HOST": "hub.example.com", "PORT": "8443", "EMPTY": ""]
        #expect(value("https://${HOST}:${PORT}/x", environment) == "https://hub.example.com:8443/x")
        #expect(value("'${HOST}'", environment) == "hub.example.com")
        #expect(value("\"a${EMPTY}b\"", environment) == "ab")
        #expect(value("$${HOST} costs $5 and $$5", environment) == "${HOST} costs $5 and $$5")
        #expect(value("trailing $", environment) == "trailing $")
    }

    @Test func problemsNameTheVariable() {
        #expect(value("${PLANT_ID}", [:]) == "env.yaml:1:4: v: environment variable PLANT_ID is not set")
        #expect(
            value("'${1X}'", [:])
                == #"env.yaml:1:4: v: invalid environment variable name "1X"; "#
                + #"names are letters, digits and "_", not starting with a digit"#
        )
        #expect(
            value("abc${HOST", [:])
                == #"env.yaml:1:4: v: unterminated "${" in "abc${HOST"; write "$${" for a literal "${""#)
    }

    @Test func theResolvedTextIsWhatIsConverted() {
        let result = ConfigMap.decode(
            text: "port: ${PORT}\n", file: "env.yaml", environment: ["PORT": "80a"], files: StubFiles()
        ) {
            $0.required("port", .integer(in: 1...65535))
        }
        guard case .failure(let errors) = result else {
            Issue.record("accepted")
            return
        }
        #expect(errors.description == #"env.yaml:1:7: port: expected an integer 1–65535, found "80a""#)
    }
}
