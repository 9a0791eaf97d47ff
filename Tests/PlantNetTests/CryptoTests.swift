import Testing

@testable import PlantNet

@Suite struct CryptoTests {
    @Test func sha256KnownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(SHA256.hash("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let hasher = SHA256Hasher()
        hasher.update("ab".bytes)
        hasher.update("c".bytes)
        #expect(hasher.finalize() == SHA256.hash("abc"))
    }

    @Test func hmacRFC4231Case2() {
        let code = HMACSHA256.authenticationCode(key: "Jefe".bytes, message: "what do ya want for nothing?".bytes)
        #expect(Hex.encode(code) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func constantTimeCompareAndRandom() {
        let token = SHA256.hash("plant-token")
        #expect(SecureBytes.constantTimeEqual(token, SHA256.hash("plant-token")))
        #expect(!SecureBytes.constantTimeEqual(token, SHA256.hash("plant-tokem")))
        #expect(!SecureBytes.constantTimeEqual(token, Array(token.prefix(31))))
        let a = SecureBytes.random(count: 16)
        let b = SecureBytes.random(count: 16)
        #expect(a.count == 16 && a != b)
        #expect(Hex.decode("00fFa0") == [0, 255, 160])
        #expect(Hex.decode("0g") == nil)
    }
}
