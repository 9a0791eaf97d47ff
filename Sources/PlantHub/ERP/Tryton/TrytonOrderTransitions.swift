/// The production order workflow of Tryton 8.2 the connector walks: draft → waiting → assigned →
/// running → done, by the buttons `wait`, `assign_try`, `run`, `do`. Tryton refuses a button whose
/// transition the order has passed ("You can not call "run" on …"), so the state is read first and
/// only the buttons still ahead are called.
enum TrytonOrderTransitions {
    static let states = ["draft", "waiting", "assigned", "running", "done"]
    /// The button leading out of each state but the last.
    static let buttons = ["wait", "assign_try", "run", "do"]

    /// The buttons to call, in order, to bring an order from `state` to `target`: empty when it is
    /// there or past it; nil when `state` is not on the way (cancelled, request, unknown).
    static func buttons(from state: String, to target: String) -> [String]? {
        guard let from = states.firstIndex(of: state), let to = states.firstIndex(of: target) else { return nil }
        return from >= to ? [] : Array(buttons[from..<to])
    }
}
