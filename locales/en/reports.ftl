## Charts, the per-agent view, the weekly digest and capacity (bot/report_chart.py,
## bot/report_agents.py, bot/digest.py, bot/capacity.py).

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
