## ચાર્ટ, દરેક એજન્ટની સ્થિતિ, સાપ્તાહિક સારાંશ અને ક્ષમતા.

chart-title = દરરોજની તપાસ, { $first } થી { $last } (ભારતીય સમય)
chart-group =
    { $group ->
        [active] સક્રિય
        [inactive] નિષ્ક્રિય
        [not_seeded] કોઈ બેંક સાથે જોડાયેલું નથી
        [vendor] સેવા નિષ્ફળ
       *[abandoned] પરિણામ પહેલાં અટકી
    }
chart-checks = તપાસ
chart-error-rate = સેવાની ભૂલો %
chart-median = પરિણામ સુધી સેકન્ડ

stats-agents-header = <b>એજન્ટ</b>, { $first } થી { $last } (જેમના પર ધ્યાન આપવાનું છે તે પહેલાં)
stats-agents-none = હજી કોઈ એજન્ટ નથી. કોઈને ઉમેરવા /invite મોકલો.
stats-agent-checks = તપાસ: { $count } ({ $mix })
stats-agent-last = છેલ્લી તપાસ: { $when }
stats-agent-never = હજી કોઈ તપાસ નથી.
stats-agent-idle = ⚠️ { $days } દિવસથી કોઈ તપાસ નથી
stats-agent-unusual = ⚠️ { $percent }% તપાસ પરિણામ વગર પૂરી થઈ
stats-agents-usage = છેલ્લા 7 દિવસ માટે /stats agents મોકલો, અથવા બીજા દિવસો માટે તારીખો આ રીતે લખો: /stats agents 2026-01-01 2026-01-31.

capacity-budget =
    { $span ->
        [week] સેવા પ્રદાતાનું બજેટ, સૌથી વ્યસ્ત દિવસ:
       *[today] સેવા પ્રદાતાનું આજનું બજેટ:
    } { $about ->
        [yes] આશરે { $calls }
       *[no] { $calls }
    } / { $budget } કૉલ ({ $percent }%, { $plan } પ્લાન)
capacity-unlimited =
    { $span ->
        [week] સેવા પ્રદાતાને કૉલ, સૌથી વ્યસ્ત દિવસ:
       *[today] સેવા પ્રદાતાને આજના કૉલ:
    } { $about ->
        [yes] આશરે { $calls }
       *[no] { $calls }
    } ({ $plan } પ્લાન: રોજની કોઈ મર્યાદા નથી)
capacity-longest-wait = લાઇનમાં સૌથી લાંબી રાહ: { $minutes } મિનિટ

digest-checks = <b>ગયું અઠવાડિયું</b>, { $first } થી { $last }: { $count } તપાસ; { $active } સક્રિય, { $inactive } નિષ્ક્રિય, { $not_seeded } કોઈ બેંક સાથે જોડાયેલાં નથી.
digest-service = સેવાની ભૂલો: { $percent }%. પરિણામ સુધીનો મધ્યમ (મીડિયન) સમય: { $seconds } સેકન્ડ. પરિણામ પહેલાં અટકેલી: { $stopped }.
