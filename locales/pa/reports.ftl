## ਚਾਰਟ, ਹਰ ਏਜੰਟ ਦਾ ਹਾਲ, ਹਫ਼ਤਾਵਾਰੀ ਸਾਰ ਅਤੇ ਸਮਰੱਥਾ।

chart-title = ਰੋਜ਼ਾਨਾ ਜਾਂਚਾਂ, { $first } ਤੋਂ { $last } ਤੱਕ (ਭਾਰਤੀ ਸਮਾਂ)
chart-group =
    { $group ->
        [active] ਚਾਲੂ
        [inactive] ਚਾਲੂ ਨਹੀਂ
        [not_seeded] ਕਿਸੇ ਬੈਂਕ ਨਾਲ ਨਹੀਂ ਜੁੜਿਆ
        [vendor] ਸੇਵਾ ਫੇਲ੍ਹ
       *[abandoned] ਨਤੀਜੇ ਤੋਂ ਪਹਿਲਾਂ ਰੁਕੀ
    }
chart-checks = ਜਾਂਚਾਂ
chart-error-rate = ਸੇਵਾ ਦੀਆਂ ਗਲਤੀਆਂ %
chart-median = ਨਤੀਜੇ ਤੱਕ ਸਕਿੰਟ

stats-agents-header = <b>ਏਜੰਟ</b>, { $first } ਤੋਂ { $last } ਤੱਕ (ਜਿਨ੍ਹਾਂ ਵੱਲ ਧਿਆਨ ਦੇਣਾ ਹੈ, ਉਹ ਪਹਿਲਾਂ)
stats-agents-none = ਅਜੇ ਕੋਈ ਏਜੰਟ ਨਹੀਂ ਹੈ। ਕਿਸੇ ਨੂੰ ਜੋੜਨ ਲਈ /invite ਭੇਜੋ।
stats-agent-checks = ਜਾਂਚਾਂ: { $count } ({ $mix })
stats-agent-last = ਆਖਰੀ ਜਾਂਚ: { $when }
stats-agent-never = ਅਜੇ ਤੱਕ ਕੋਈ ਜਾਂਚ ਨਹੀਂ।
stats-agent-idle = ⚠️ { $days } ਦਿਨਾਂ ਤੋਂ ਕੋਈ ਜਾਂਚ ਨਹੀਂ
stats-agent-unusual = ⚠️ { $percent }% ਜਾਂਚਾਂ ਬਿਨਾਂ ਨਤੀਜੇ ਦੇ ਖਤਮ ਹੋਈਆਂ
stats-agents-usage = ਪਿਛਲੇ 7 ਦਿਨਾਂ ਲਈ /stats agents ਭੇਜੋ, ਜਾਂ ਹੋਰ ਦਿਨਾਂ ਲਈ ਤਾਰੀਖਾਂ ਇਸ ਤਰ੍ਹਾਂ ਲਿਖੋ: /stats agents 2026-01-01 2026-01-31।

capacity-budget =
    { $span ->
        [week] ਸੇਵਾ ਪ੍ਰਦਾਤਾ ਦਾ ਬਜਟ, ਸਭ ਤੋਂ ਰੁੱਝਿਆ ਦਿਨ:
       *[today] ਸੇਵਾ ਪ੍ਰਦਾਤਾ ਦਾ ਅੱਜ ਦਾ ਬਜਟ:
    } { $about ->
        [yes] ਲਗਭਗ { $calls }
       *[no] { $calls }
    } / { $budget } ਕਾਲਾਂ ({ $percent }%, { $plan } ਪਲਾਨ)
capacity-unlimited =
    { $span ->
        [week] ਸੇਵਾ ਪ੍ਰਦਾਤਾ ਨੂੰ ਕਾਲਾਂ, ਸਭ ਤੋਂ ਰੁੱਝਿਆ ਦਿਨ:
       *[today] ਸੇਵਾ ਪ੍ਰਦਾਤਾ ਨੂੰ ਅੱਜ ਦੀਆਂ ਕਾਲਾਂ:
    } { $about ->
        [yes] ਲਗਭਗ { $calls }
       *[no] { $calls }
    } ({ $plan } ਪਲਾਨ: ਰੋਜ਼ਾਨਾ ਕੋਈ ਹੱਦ ਨਹੀਂ)
capacity-longest-wait = ਕਤਾਰ ਵਿੱਚ ਸਭ ਤੋਂ ਲੰਬੀ ਉਡੀਕ: { $minutes } ਮਿੰਟ

digest-checks = <b>ਪਿਛਲਾ ਹਫ਼ਤਾ</b>, { $first } ਤੋਂ { $last } ਤੱਕ: { $count } ਜਾਂਚਾਂ; { $active } ਚਾਲੂ, { $inactive } ਚਾਲੂ ਨਹੀਂ, { $not_seeded } ਕਿਸੇ ਬੈਂਕ ਨਾਲ ਨਹੀਂ ਜੁੜੇ।
digest-service = ਸੇਵਾ ਦੀਆਂ ਗਲਤੀਆਂ: { $percent }%। ਨਤੀਜੇ ਤੱਕ ਦਾ ਵਿਚਕਾਰਲਾ (ਮੀਡੀਅਨ) ਸਮਾਂ: { $seconds } ਸਕਿੰਟ। ਨਤੀਜੇ ਤੋਂ ਪਹਿਲਾਂ ਰੁਕੀਆਂ: { $stopped }।
