import Foundation
import PlantJournal
import PlantModel
import PlantNet

/// `plantsync dead-letters retry`: journal a dead letter again, through whoever owns the journal.
///
/// The journal has one writer (see `AgentLock`). While an agent runs, the retry goes to its status
/// endpoint (the address is in its state record), which retries in-process and wakes the
/// forwarder. While none runs, the tool takes the lock, opens the journal and retries itself; the
/// event is sent when the agent next starts.
public enum DeadLetterOperations {
    public enum Route: Sendable, Equatable {
        /// Done by the running agent, through its endpoint at this address.
        case agent(address: String)
        /// Done in the journal directly; no agent was running.
        case journal
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// 66 (no such dead letter), 69 (the agent cannot be reached), 74 (journal).
        public let exitCode: Int32
        public let description: String
    }

    public static func retry(dataDirectory: String, id: String, by requestedBy: String) throws(Failure)
        -> (DeadLetterRetry, Route)
    {
        switch AgentLock.holder(dataDirectory: dataDirectory) {
        case .agent(let pid):
            return try viaAgent(dataDirectory: dataDirectory, pid: pid, id: id, by: requestedBy)
        case .nobody:
            let lock: AgentLock
            do {
                lock = try AgentLock.acquire(dataDirectory: dataDirectory)
            } catch {
                if case .held(_, let pid) = error {
                    return try viaAgent(dataDirectory: dataDirectory, pid: pid, id: id, by: requestedBy)
                }
                throw Failure(exitCode: 74, description: error.description)
            }
            defer { lock.release() }
            let path = AgentLayout.journalPath(dataDirectory: dataDirectory)
            guard FileManager.default.fileExists(atPath: path) else {
                throw Failure(exitCode: 66, description: "journal \(path): no such file")
            }
            let journal: Journal
            do {
                journal = try Journal.open(path: path)
            } catch {
                throw Failure(exitCode: 74, description: error.description)
            }
            defer { journal.close() }
            do {
                return (try journal.retryDeadLetter(id: id, requestedBy: requestedBy), .journal)
            } catch {
                throw failure(error)
            }
        }
    }

    private static func failure(_ error: DeadLetterRetryError) -> Failure {
        switch error {
        case .notFound, .alreadyJournaled: Failure(exitCode: 66, description: error.description)
        case .journal: Failure(exitCode: 74, description: error.description)
        }
    }

    private static func viaAgent(dataDirectory: String, pid: Int32?, id: String, by requestedBy: String) throws(Failure)
        -> (DeadLetterRetry, Route)
    {
        let agent = "the agent" + (pid.map { " (pid \($0))" } ?? "")
        let state: AgentStateRecord?
        do {
            let reader = try JournalStatusReader(path: AgentLayout.journalPath(dataDirectory: dataDirectory))
            state = try reader.checkpoint(AgentStateRecord.checkpointKey).flatMap { AgentStateRecord(encoded: $0) }
        } catch {
            throw Failure(exitCode: 74, description: error.description)
        }
        guard let address = state?.statusListen, state?.stopped == false else {
            throw Failure(
                exitCode: 69,
                description: "\(agent) owns the journal but has no status endpoint to take the retry; "
                    + "check status.listen, or stop the agent and run this again")
        }
        let client: HTTPClient
        do {
            var configuration = HTTPClientConfiguration()
            configuration.connectTimeout = .seconds(5)
            configuration.ioTimeout = .seconds(30)
            client = try HTTPClient(baseURL: "http://\(address)", configuration: configuration)
        } catch {
            throw Failure(exitCode: 69, description: "status endpoint \(address): \(error)")
        }
        defer { client.close() }
        let body = JSONWriter.encode(.object(["id": .string(id), "by": .string(requestedBy)]))
        let response: HTTPResponse
        do {
            response = try client.send(
                HTTPRequest(
                    method: "POST", target: "/dead-letters/retry",
                    headers: ["Content-Type": "application/json"], body: body))
        } catch {
            throw Failure(exitCode: 69, description: "\(agent) did not answer at \(address): \(error)")
        }
        let object = (try? JSONParser.parse(response.body))?.objectValue
        guard response.status == 200, let object else {
            let message = object?["message"]?.stringValue ?? response.bodyText
            throw Failure(exitCode: response.status == 404 || response.status == 409 ? 66 : 69, description: message)
        }
        let fields = StatusFields(object)
        let retry = DeadLetterRetry(
            id: fields.string("id") ?? id, stream: fields.string("stream") ?? "",
            originalSeq: fields.integer("original_seq") ?? 0, newSeq: fields.integer("new_seq") ?? 0,
            reason: fields.string("reason") ?? "", requestedBy: fields.string("by") ?? requestedBy,
            retriedAt: Timestamp.now().millisecondsSinceEpoch)
        return (retry, .agent(address: address))
    }
}
