## Charts, the per-agent view, the weekly digest and capacity (bot/operator/chart.py,
## bot/operator/agents_report.py, bot/operator/digest.py, bot/capacity/usage.py).

chart-title = Checks per day, { $first } to { $last } (India time)
chart-group =
    { $group ->
        [active] Active
        [inactive] Inactive
        [not_seeded] Not linked to any bank
        [vendor] Service failed
       *[abandoned] Stopped before a result
    }
chart-checks = Checks
chart-error-rate = Service errors %
chart-median = Seconds to a result

stats-agents-header = <b>Agents</b>, { $first } to { $last } (those who need a look first)
stats-agents-none = No agents yet. Send /invite to enrol one.
stats-agent-checks = Checks: { $count } ({ $mix })
stats-agent-last = Last check: { $when }
stats-agent-never = No check yet.
stats-agent-idle = ⚠️ No check for { $days } days
stats-agent-unusual = ⚠️ { $percent }% of checks ended without a result
stats-agents-usage = Send /stats agents for the last 7 days, or /stats agents FROM TO, with dates like this: /stats agents 2026-01-01 2026-01-31.

capacity-budget =
    { $span ->
        [week] Vendor budget, busiest day:
       *[today] Vendor budget today:
    } { $about ->
        [yes] about { $calls }
       *[no] { $calls }
    } of { $budget } calls ({ $percent }%, { $plan } plan)
capacity-unlimited =
    { $span ->
        [week] Vendor calls, busiest day:
       *[today] Vendor calls today:
    } { $about ->
        [yes] about { $calls }
       *[no] { $calls }
    } ({ $plan } plan: no daily limit)
capacity-longest-wait = Longest wait in line: { $minutes } min

digest-checks = <b>Last week</b>, { $first } to { $last }: { $count } checks; { $active } active, { $inactive } inactive, { $not_seeded } not linked to any bank.
digest-service = Service errors: { $percent }%. Median time to a result: { $seconds } s. Stopped before a result: { $stopped }.
