import PlantHub
import PlantNet
import Testing

@Suite("Plant tokens and add-plant")
struct PlantTokensTests {
    let tokens = PlantTokens([
        (plant: "P100", tokenSHA256: SHA256.hash("alpha-token")),
        (plant: "P200", tokenSHA256: SHA256.hash("bravo-token")),
    ])

    @Test func bearerTokenIdentifiesItsPlant() {
        #expect(tokens.authenticate(authorization: "Bearer alpha-token") == .success("P100"))
        #expect(tokens.authenticate(authorization: "bearer   bravo-token ") == .success("P200"))
        #expect(tokens.authenticate(authorization: "Bearer charlie-token") == .failure(.unknown))
        #expect(tokens.authenticate(authorization: nil) == .failure(.missing))
        #expect(tokens.authenticate(authorization: "Basic YWxhZGRpbjpvcGVuc2VzYW1l") == .failure(.malformed))
        #expect(tokens.authenticate(authorization: "Bearer") == .failure(.malformed))
        #expect(tokens.authenticate(authorization: "Bearer alpha token") == .failure(.malformed))
        #expect(tokens.authenticate(authorization: "Beareralpha-token") == .failure(.malformed))
    }

    @Test func newTokenHashVerifiesAndPrintsTheConfigurationLines() throws {
        let token = NewPlantToken.generate()
        #expect(token.token.utf8.count == 43)
        #expect(
            token.token.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            })
        #expect(token.sha256Hex == Hex.encode(SHA256.hash(token.token)))
        #expect(token.configurationLines(plant: "P300") == "  - id: P300\n    token_sha256: \(token.sha256Hex)\n")
        let digest = try #require(Hex.decode(token.sha256Hex))
        let configured = PlantTokens([(plant: "P300", tokenSHA256: digest)])
        #expect(configured.authenticate(authorization: "Bearer \(token.token)") == .success("P300"))
        #expect(NewPlantToken.generate().token != token.token)
    }
}
