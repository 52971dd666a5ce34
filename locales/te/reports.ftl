## చార్ట్, ప్రతి ఏజెంట్ స్థితి, వారపు సారాంశం, సామర్థ్యం.

chart-title = రోజువారీ తనిఖీలు, { $first } నుండి { $last } వరకు (భారత కాలమానం)
chart-group =
    { $group ->
        [active] యాక్టివ్
        [inactive] ఇన్‌యాక్టివ్
        [not_seeded] ఏ బ్యాంక్‌కూ లింక్ కాలేదు
        [vendor] సేవ విఫలమైంది
       *[abandoned] ఫలితానికి ముందే ఆగింది
    }
chart-checks = తనిఖీలు
chart-error-rate = సేవా లోపాలు %
chart-median = ఫలితానికి సెకన్లు

stats-agents-header = <b>ఏజెంట్లు</b>, { $first } నుండి { $last } వరకు (గమనించాల్సిన వారు ముందుగా)
stats-agents-none = ఇంకా ఏజెంట్లు లేరు. ఒకరిని చేర్చడానికి /invite పంపండి.
stats-agent-checks = తనిఖీలు: { $count } ({ $mix })
stats-agent-last = చివరి తనిఖీ: { $when }
stats-agent-never = ఇంకా తనిఖీ ఏదీ లేదు.
stats-agent-idle = ⚠️ { $days } రోజులుగా తనిఖీ లేదు
stats-agent-unusual = ⚠️ { $percent }% తనిఖీలు ఫలితం లేకుండా ముగిశాయి
stats-agents-usage = గత 7 రోజుల కోసం /stats agents పంపండి, లేదా వేరే రోజుల కోసం తేదీలను ఇలా రాయండి: /stats agents 2026-01-01 2026-01-31.

capacity-budget =
    { $span ->
        [week] సేవా సంస్థ బడ్జెట్, ఎక్కువ పని ఉన్న రోజు:
       *[today] ఈ రోజు సేవా సంస్థ బడ్జెట్:
    } { $about ->
        [yes] సుమారు { $calls }
       *[no] { $calls }
    } / { $budget } కాల్స్ ({ $percent }%, { $plan } ప్లాన్)
capacity-unlimited =
    { $span ->
        [week] సేవా సంస్థకు కాల్స్, ఎక్కువ పని ఉన్న రోజు:
       *[today] ఈ రోజు సేవా సంస్థకు కాల్స్:
    } { $about ->
        [yes] సుమారు { $calls }
       *[no] { $calls }
    } ({ $plan } ప్లాన్: రోజువారీ పరిమితి లేదు)
capacity-longest-wait = వరుసలో అత్యధిక నిరీక్షణ: { $minutes } నిమిషాలు

digest-checks = <b>గత వారం</b>, { $first } నుండి { $last } వరకు: { $count } తనిఖీలు; { $active } యాక్టివ్, { $inactive } ఇన్‌యాక్టివ్, { $not_seeded } ఏ బ్యాంక్‌కూ లింక్ కాలేదు.
digest-service = సేవా లోపాలు: { $percent }%. ఫలితానికి మధ్యస్థ (మీడియన్) సమయం: { $seconds } సెకన్లు. ఫలితానికి ముందే ఆగినవి: { $stopped }.
