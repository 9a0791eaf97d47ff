import Glibc

/// Starts detached OS threads with an explicit stack size: connection and accept loops block in
/// syscalls and must never run on Swift's cooperative pool (DESIGN.md invariant 6). A small stack
/// keeps hundreds of connection threads cheap.
enum NetThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `body` on a new detached thread; `name` only appears in errors.
    static func start(name: String, stackSize: Int, _ body: sending @escaping () -> Void) throws(SocketError) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, max(stackSize, Int(PTHREAD_STACK_MIN)))
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, &attributes,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        if rc != 0 {
            Unmanaged<Body>.fromOpaque(context).release()
            throw SocketError(code: rc, operation: "pthread_create", peer: name)
        }
    }
}
