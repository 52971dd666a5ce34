## ചാർട്ട്, ഓരോ ഏജന്റിന്റെയും നില, ആഴ്ചത്തെ ചുരുക്കം, ശേഷി.

chart-title = ദിവസേനയുള്ള പരിശോധനകൾ, { $first } മുതൽ { $last } വരെ (ഇന്ത്യൻ സമയം)
chart-group =
    { $group ->
        [active] സജീവം
        [inactive] നിഷ്ക്രിയം
        [not_seeded] ഒരു ബാങ്കുമായും ബന്ധിപ്പിച്ചിട്ടില്ല
        [vendor] സേവനം പരാജയപ്പെട്ടു
       *[abandoned] ഫലത്തിന് മുമ്പ് നിന്നു
    }
chart-checks = പരിശോധനകൾ
chart-error-rate = സേവന പിശകുകൾ %
chart-median = ഫലം വരെ സെക്കൻഡ്

stats-agents-header = <b>ഏജന്റുമാർ</b>, { $first } മുതൽ { $last } വരെ (ശ്രദ്ധിക്കേണ്ടവർ ആദ്യം)
stats-agents-none = ഇതുവരെ ഏജന്റുമാരില്ല. ഒരാളെ ചേർക്കാൻ /invite അയയ്ക്കുക.
stats-agent-checks = പരിശോധനകൾ: { $count } ({ $mix })
stats-agent-last = അവസാന പരിശോധന: { $when }
stats-agent-never = ഇതുവരെ പരിശോധനയില്ല.
stats-agent-idle = ⚠️ { $days } ദിവസമായി പരിശോധനയില്ല
stats-agent-unusual = ⚠️ { $percent }% പരിശോധനകൾ ഫലമില്ലാതെ അവസാനിച്ചു
stats-agents-usage = കഴിഞ്ഞ 7 ദിവസത്തേക്ക് /stats agents അയയ്ക്കുക, അല്ലെങ്കിൽ മറ്റു ദിവസങ്ങൾക്ക് തീയതികൾ ഇങ്ങനെ എഴുതുക: /stats agents 2026-01-01 2026-01-31.

capacity-budget =
    { $span ->
        [week] സേവന ദാതാവിന്റെ ബജറ്റ്, ഏറ്റവും തിരക്കുള്ള ദിവസം:
       *[today] ഇന്നത്തെ സേവന ദാതാവിന്റെ ബജറ്റ്:
    } { $about ->
        [yes] ഏകദേശം { $calls }
       *[no] { $calls }
    } / { $budget } കോളുകൾ ({ $percent }%, { $plan } പ്ലാൻ)
capacity-unlimited =
    { $span ->
        [week] സേവന ദാതാവിലേക്കുള്ള കോളുകൾ, ഏറ്റവും തിരക്കുള്ള ദിവസം:
       *[today] ഇന്ന് സേവന ദാതാവിലേക്കുള്ള കോളുകൾ:
    } { $about ->
        [yes] ഏകദേശം { $calls }
       *[no] { $calls }
    } ({ $plan } പ്ലാൻ: ദിവസ പരിധിയില്ല)
capacity-longest-wait = വരിയിലെ ഏറ്റവും നീണ്ട കാത്തിരിപ്പ്: { $minutes } മിനിറ്റ്

digest-checks = <b>കഴിഞ്ഞ ആഴ്ച</b>, { $first } മുതൽ { $last } വരെ: { $count } പരിശോധനകൾ; { $active } സജീവം, { $inactive } നിഷ്ക്രിയം, { $not_seeded } ഒരു ബാങ്കുമായും ബന്ധിപ്പിച്ചിട്ടില്ല.
digest-service = സേവന പിശകുകൾ: { $percent }%. ഫലം വരെയുള്ള മധ്യ (മീഡിയൻ) സമയം: { $seconds } സെക്കൻഡ്. ഫലത്തിന് മുമ്പ് നിന്നവ: { $stopped }.
