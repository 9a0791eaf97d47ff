import PlantModel
import Testing

@testable import PlantHub

@Suite struct ERPTrytonRPCTests {
    @Test func requestBodyCarriesDatesDecimalsAndTheContextLast() {
        let body = TrytonRPC.requestBody(
            id: 7, method: "model.stock.move.create",
            params: [
                [
                    [
                        "quantity": TrytonRPC.float(DecimalNumber("12.5")!), "unit_price": TrytonRPC.decimal(.zero),
                        "effective_date": TrytonRPC.date(CivilDate(year: 2026, month: 11, day: 2)!),
                    ]
                ],
                ["company": 1],
            ])
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"id":7,"method":"model.stock.move.create","params":[[{"effective_date":{"__class__":"date","day":2,"#
                + #""month":11,"year":2026},"quantity":12.5,"unit_price":{"__class__":"Decimal","decimal":"0"}}],"#
                + #"{"company":1}]}"#)
    }

    @Test func searchReadKeepsNullsInThePositionalParameters() {
        let body = TrytonRPC.requestBody(
            id: 1, method: "model.production.search_read",
            params: [[["reference", "=", "WO-4711"]], 0, .null, .null, ["state"], ["company": 1]])
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"id":1,"method":"model.production.search_read","params":[[["reference","=","WO-4711"]],0,null,"#
                + #"null,["state"],{"company":1}]}"#)
    }

    @Test func numbersFromTrytonBecomeExactDecimals() throws {
        let values = try JSONParser.parse(
            Array(#"[100.0, 12.5, 0.10, -0.0, {"__class__":"Decimal","decimal":"3.50"}, 1e-05, "7"]"#.utf8)
        )
        .arrayValue!
        #expect(
            values.map { TrytonRPC.decimalValue($0)?.description } == [
                "100", "12.5", "0.1", "0", "3.5", "0.00001", nil,
            ])
    }

    @Test func resultOfASuccessfulCall() {
        let answer = TrytonRPC.result(
            status: 200, retryAfter: nil, body: Array(#"{"id":1,"result":[1,"abc",null]}"#.utf8),
            method: "common.db.login")
        #expect(answer == .success([1, "abc", .null]))
    }

    @Test func userValidationAndAccessErrorsArePermanentWithTrytonsMessage() {
        let body =
            #"{"id":1,"error":["UserError",["You can not call \"run\" on \"[WO-4711]\" of \"Production\".","",null]]}"#
        #expect(
            TrytonRPC.result(status: 200, retryAfter: nil, body: Array(body.utf8), method: "model.production.run")
                == .failure(
                    .permanent(
                        #"Tryton model.production.run: UserError: You can not call "run" on "[WO-4711]" of "Production"."#
                    )))
        let domain =
            #"{"error":["DomainValidationError",["The value for field \"Output Materials\" is not valid.","details"]]}"#
        #expect(
            TrytonRPC.result(status: 200, retryAfter: nil, body: Array(domain.utf8), method: "model.production.write")
                == .failure(
                    .permanent(
                        #"Tryton model.production.write: DomainValidationError: The value for field "#
                            + #""Output Materials" is not valid. details"#)))
        let access = #"{"error":["AccessError",["You are not allowed to access \"Stock Move\".",""]]}"#
        #expect(
            TrytonRPC.result(status: 200, retryAfter: nil, body: Array(access.utf8), method: "model.stock.move.create")
                == .failure(
                    .permanent(
                        #"Tryton model.stock.move.create: AccessError: You are not allowed to access "#
                            + #""Stock Move"."#)))
    }

    /// Tryton refuses to book a move dated after its local today; our date is the event's UTC day, so near
    /// midnight that is early, not wrong: retried later, not parked. Other warnings still park.
    @Test func aMoveDatedAfterTrytonsTodayWaitsOtherWarningsPark() {
        let future =
            #"{"error":["UserWarning",["effective_date_future.5f3a","The moves R-1 have effective dates in the future.",""]]}"#
        #expect(
            TrytonRPC.result(status: 200, retryAfter: nil, body: Array(future.utf8), method: "model.stock.move.do")
                == .failure(
                    .transient(
                        #"Tryton model.stock.move.do: UserWarning: effective_date_future.5f3a The moves R-1 have "#
                            + #"effective dates in the future. (waits for that day in Tryton)"#,
                        retryAfter: .seconds(600))))
        let other = #"{"error":["UserWarning",["done_picking.1","Are you sure?",""]]}"#
        #expect(
            TrytonRPC.result(status: 200, retryAfter: nil, body: Array(other.utf8), method: "model.stock.move.do")
                == .failure(.permanent(#"Tryton model.stock.move.do: UserWarning: done_picking.1 Are you sure?"#)))
    }

    @Test func lockedDatabaseConcurrencyAndServerFaultsAreTransient() {
        let concurrency = #"{"error":["ConcurrencyException",["Records were modified in the meanwhile"]]}"#
        #expect(
            TrytonRPC.result(
                status: 200, retryAfter: nil, body: Array(concurrency.utf8), method: "model.production.write")
                == .failure(
                    .transient(
                        "Tryton model.production.write: ConcurrencyException: Records were modified in the meanwhile")))
        let fault = #"{"error":["object of type 'NoneType' has no len()","Traceback (most recent call last): ..."]}"#
        #expect(
            TrytonRPC.result(status: 200, retryAfter: nil, body: Array(fault.utf8), method: "model.stock.move.do")
                == .failure(.transient("Tryton model.stock.move.do: object of type 'NoneType' has no len()")))
        #expect(
            TrytonRPC.result(status: 503, retryAfter: "7", body: Array("database is locked\n".utf8), method: "m")
                == .failure(.transient("Tryton m: HTTP 503: database is locked", retryAfter: .seconds(7))))
        #expect(
            TrytonRPC.result(status: 429, retryAfter: nil, body: [], method: "common.db.login")
                == .failure(.transient("Tryton common.db.login: HTTP 429")))
    }

    @Test func anExpiredSessionAsksForANewLoginAndOtherStatusesArePermanent() {
        #expect(TrytonRPC.result(status: 401, retryAfter: nil, body: [], method: "m") == .failure(.sessionExpired))
        // 403 is Tryton's answer for a method outside `__rpc__`, with any session: parked, not retried.
        let forbidden = "<!doctype html>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n"
        #expect(
            TrytonRPC.result(
                status: 403, retryAfter: "5", body: Array(forbidden.utf8), method: "model.stock.move.assign")
                == .failure(
                    .permanent(
                        "Tryton model.stock.move.assign: HTTP 403: Tryton does not allow this method over JSON-RPC "
                            + "(not in the model's __rpc__)")))
        #expect(
            TrytonRPC.result(status: 404, retryAfter: nil, body: Array("Not Found".utf8), method: "m")
                == .failure(.permanent("Tryton m: HTTP 404: Not Found")))
        #expect(
            TrytonRPC.result(status: 200, retryAfter: nil, body: Array("<html>".utf8), method: "m")
                == .failure(
                    .transient(
                        "Tryton m: the answer is not JSON: "
                            + "\((try? JSONParser.parse(Array("<html>".utf8))).map { "\($0)" } ?? parseError("<html>"))"
                    )))
    }

    @Test func orderTransitionsStartFromTheStateTrytonHasReached() {
        #expect(TrytonOrderTransitions.buttons(from: "draft", to: "done") == ["wait", "assign_try", "run", "do"])
        #expect(TrytonOrderTransitions.buttons(from: "assigned", to: "done") == ["run", "do"])
        #expect(TrytonOrderTransitions.buttons(from: "running", to: "done") == ["do"])
        #expect(TrytonOrderTransitions.buttons(from: "done", to: "done") == [])
        #expect(TrytonOrderTransitions.buttons(from: "running", to: "assigned") == [])
        #expect(TrytonOrderTransitions.buttons(from: "cancelled", to: "done") == nil)
    }

    @Test func failuresReachTheOutboxAsDeliveryFailures() {
        #expect(TrytonFailure.permanent("x").deliveryFailure == .permanent("x"))
        #expect(
            TrytonFailure.transient("y", retryAfter: .seconds(2)).deliveryFailure
                == .transient("y", retryAfter: .seconds(2)))
        #expect(TrytonFailure.sessionExpired.deliveryFailure == .transient("Tryton refused the session twice in a row"))
    }

    private func parseError(_ text: String) -> String {
        do {
            _ = try JSONParser.parse(Array(text.utf8))
            return ""
        } catch {
            return "\(error)"
        }
    }
}
