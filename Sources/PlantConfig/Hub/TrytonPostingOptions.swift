/// How the `tryton` connector books what it posts: `do_moves` and `complete_orders_on_final` in a
/// connector's `tryton:` section (see docs/erp.md).
public struct TrytonPostingOptions: Sendable, Hashable {
    /// Call `do` on the stock moves of receipts and write-ups (they are booked, not left as drafts).
    /// Moves out of storage stay drafts either way: Tryton books those only once assigned.
    public var doMoves: Bool
    /// On a confirmation with `final: true`, walk the order to done. Off by default: `final` marks a
    /// closed window, not the order's last one, and a done order takes no more outputs.
    public var completeOrdersOnFinal: Bool

    public init(doMoves: Bool = true, completeOrdersOnFinal: Bool = false) {
        self.doMoves = doMoves
        self.completeOrdersOnFinal = completeOrdersOnFinal
    }

    /// Reads `do_moves` and `complete_orders_on_final` from a `tryton:` section.
    init(_ map: ConfigMap) {
        doMoves = map.optional("do_moves", .boolean, default: true)
        completeOrdersOnFinal = map.optional("complete_orders_on_final", .boolean, default: false)
    }
}
