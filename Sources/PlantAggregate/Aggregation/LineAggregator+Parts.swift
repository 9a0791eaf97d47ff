import PlantModel

/// Booking state time, closing parts and turning them into confirmations and downtime records.
extension LineAggregator {
    /// Order id used when the line reports none (or an empty one).
    public static let unassignedOrder = "UNASSIGNED"
    /// Operation used when the line does not report one.
    public static let noOperation = "-"
    /// Downtime reason used when the line has no reason tag (or it has not reported yet).
    public static let unspecifiedReason = "unspecified"
    /// How many empty windows a down machine is walked through one by one (a downtime record each);
    /// beyond this the aggregator jumps, so a wild clock cannot make it spin.
    static let maxWalkedWindows = 10_000

    mutating func openPart(containing time: Int64) {
        let period = calendar.period(containing: time)
        core.part = OpenPart(periodStart: period.start, periodEnd: period.end, start: period.start)
    }

    /// Closes every window that ends at or before `time` and opens the one containing it.
    mutating func advance(to time: Int64, _ outputs: inout [AggregatorOutput]) {
        var walked = 0
        while let part = core.part, time >= part.periodEnd {
            closePart(at: part.periodEnd, final: true, &outputs)
            reportExclusions(&outputs)
            var next = calendar.period(containing: part.periodEnd)
            walked += 1
            let walk = core.machineState == .down && !resumePending && walked < Self.maxWalkedWindows
            if time >= next.end && !walk {
                // Nothing can happen in the windows between: no samples, and time in them is not booked.
                next = calendar.period(containing: time)
            }
            core.part = OpenPart(
                periodStart: next.start, periodEnd: next.end, start: next.start, number: 1, partials: 0)
            core.accountedTo = max(core.accountedTo, next.start)
        }
    }

    /// Books the time since the last booking to the current machine state.
    mutating func accountState(to time: Int64) {
        guard !resumePending, time > core.accountedTo else { return }
        let from = max(core.accountedTo, core.part!.start)
        core.accountedTo = time
        guard let state = core.machineState, time > from else { return }
        let duration = time - from
        switch state {
        case .running:
            core.part!.runningMilliseconds += duration
        case .idle:
            core.part!.idleMilliseconds += duration
        case .down:
            core.part!.downMilliseconds += duration
            let reason = core.reason ?? Self.unspecifiedReason
            if let last = core.part!.downtime.last, last.end == from, last.reason == reason {
                core.part!.downtime[core.part!.downtime.count - 1].end = time
            } else {
                core.part!.downtime.append(DowntimePiece(start: from, end: time, reason: reason))
            }
        }
    }

    /// Emits the open part up to `end` (a confirmation when it has production or a state change, and
    /// its downtime) and empties its accumulators. A final close is at a window end, an order change or
    /// a shift end; a partial one (`final == false`) at shutdown.
    mutating func closePart(at end: Int64, final: Bool, _ outputs: inout [AggregatorOutput]) {
        accountState(to: end)
        let part = core.part!
        let order = (core.order?.isEmpty ?? true) ? Self.unassignedOrder : core.order!
        if part.hasProduction || part.stateChanged {
            let confirmation = confirmation(part, order: order, end: end, final: final, &outputs)
            if let confirmation { emit(.confirmation(confirmation), confirmation.event, &outputs) }
        }
        for piece in part.downtime {
            do {
                let record = DowntimeRecord(
                    id: try EventIdentity.downtime(plant: plant, line: configuration.line, start: piece.start),
                    plant: plant, line: configuration.line, workCenter: configuration.workCenter, order: order,
                    reason: piece.reason, start: Timestamp(millisecondsSinceEpoch: piece.start),
                    end: Timestamp(millisecondsSinceEpoch: piece.end))
                emit(.downtime(record), record.event, &outputs)
            } catch {
                outputs.append(.note(.eventRefused(line: configuration.line, detail: error.description)))
            }
        }
        var emptied = OpenPart(
            periodStart: part.periodStart, periodEnd: part.periodEnd, start: end, number: part.number,
            partials: final ? 0 : part.partials + 1)
        emptied.stateChanged = false
        core.part = emptied
    }

    /// Appends `output` when its event validates, otherwise a note saying why not.
    private func emit(
        _ output: AggregatorOutput, _ event: () throws(EventFieldError) -> Event, _ outputs: inout [AggregatorOutput]
    ) {
        do {
            _ = try event()
            outputs.append(output)
        } catch {
            outputs.append(.note(.eventRefused(line: configuration.line, detail: error.description)))
        }
    }

    mutating func reportExclusions(_ outputs: inout [AggregatorOutput]) {
        guard !core.excluded.isEmpty, let part = core.part else { return }
        outputs.append(
            .note(
                .samplesExcluded(
                    line: configuration.line, windowStart: Timestamp(millisecondsSinceEpoch: part.periodStart),
                    counts: core.excluded)))
        core.excluded = ExclusionCounts()
    }

    private mutating func confirmation(
        _ part: OpenPart, order: String, end: Int64, final: Bool, _ outputs: inout [AggregatorOutput]
    ) -> LineConfirmation? {
        var scrapCounts: UInt64 = 0
        switch configuration.scrap {
        case .none:
            break
        case .counter:
            scrapCounts = part.scrap
        case .totalMinusGood:
            // Total and good arrive as separate samples, so one part may see the good count before the
            // total: a negative difference is carried into the next confirmation instead of booked.
            let difference = Int64(clamping: part.total) &- Int64(clamping: part.good) &+ core.scrapCarry
            scrapCounts = UInt64(max(0, difference))
            core.scrapCarry = min(0, difference)
        }
        var resetTags: [String] = []
        var gap: Int64 = 0
        if part.hasProduction {
            swap(&resetTags, &core.pendingResetTags)
            gap = core.pendingGapMilliseconds
            core.pendingGapMilliseconds = 0
        }
        var byReason: [String: Int64] = [:]
        for piece in part.downtime { byReason[piece.reason, default: 0] += piece.end - piece.start }
        let operation = core.operation ?? Self.noOperation
        let id: EventID
        do {
            id = try EventIdentity.confirmation(
                plant: plant, line: configuration.line, order: order, operation: operation,
                windowStart: part.periodStart, part: part.number, partial: final ? nil : part.partials + 1)
        } catch {
            outputs.append(.note(.eventRefused(line: configuration.line, detail: error.description)))
            return nil
        }
        return LineConfirmation(
            id: id,
            plant: plant, line: configuration.line, workCenter: configuration.workCenter,
            order: order, operation: operation,
            windowStart: Timestamp(millisecondsSinceEpoch: part.periodStart),
            windowEnd: Timestamp(millisecondsSinceEpoch: part.periodEnd),
            from: Timestamp(millisecondsSinceEpoch: part.start), to: Timestamp(millisecondsSinceEpoch: end),
            part: part.number, final: final,
            good: quantity(part.good, &outputs), scrap: quantity(scrapCounts, &outputs),
            rework: quantity(part.rework, &outputs),
            unit: configuration.unit,
            runningMilliseconds: part.runningMilliseconds, idleMilliseconds: part.idleMilliseconds,
            downMilliseconds: part.downMilliseconds,
            downtimeByReason: byReason.sorted { $0.key < $1.key }.map {
                ReasonDuration(reason: $0.key, milliseconds: $0.value)
            },
            counterResetTags: resetTags, gapMilliseconds: gap)
    }

    /// Counts times the counter scale, exactly. A product beyond 19 digits cannot be booked: it is
    /// reported and the raw count is confirmed instead, so the note and the event show the problem.
    private func quantity(_ counts: UInt64, _ outputs: inout [AggregatorOutput]) -> DecimalNumber {
        let integer = DecimalNumber(integer: Int64(clamping: counts))
        if configuration.counterScale == DecimalNumber(1) { return integer }
        do {
            return try integer.multiplied(by: configuration.counterScale)
        } catch {
            outputs.append(.note(.quantityOverflow(line: configuration.line, detail: "\(error)")))
            return integer
        }
    }
}
