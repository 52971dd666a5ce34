## चार्ट, हर एजेंट का हाल, साप्ताहिक सार और क्षमता।

chart-title = हर दिन की जाँचें, { $first } से { $last } तक (भारतीय समय)
chart-group =
    { $group ->
        [active] सक्रिय
        [inactive] निष्क्रिय
        [not_seeded] किसी बैंक से नहीं जुड़ा
        [vendor] सेवा विफल
       *[abandoned] नतीजे से पहले रुकी
    }
chart-checks = जाँचें
chart-error-rate = सेवा त्रुटियाँ %
chart-median = नतीजे तक सेकंड

stats-agents-header = <b>एजेंट</b>, { $first } से { $last } तक (जिन पर ध्यान देना है, वे पहले)
stats-agents-none = अभी कोई एजेंट नहीं है। किसी को जोड़ने के लिए /invite भेजें।
stats-agent-checks = जाँचें: { $count } ({ $mix })
stats-agent-last = आखिरी जाँच: { $when }
stats-agent-never = अभी तक कोई जाँच नहीं।
stats-agent-idle = ⚠️ { $days } दिन से कोई जाँच नहीं
stats-agent-unusual = ⚠️ { $percent }% जाँचें बिना नतीजे के खत्म हुईं
stats-agents-usage = पिछले 7 दिन के लिए /stats agents भेजें, या दूसरे दिनों के लिए तारीखें इस तरह लिखें: /stats agents 2026-01-01 2026-01-31।

capacity-budget =
    { $span ->
        [week] सेवा प्रदाता का बजट, सबसे व्यस्त दिन:
       *[today] सेवा प्रदाता का आज का बजट:
    } { $about ->
        [yes] लगभग { $calls }
       *[no] { $calls }
    } / { $budget } कॉल ({ $percent }%, { $plan } प्लान)
capacity-unlimited =
    { $span ->
        [week] सेवा प्रदाता को कॉल, सबसे व्यस्त दिन:
       *[today] सेवा प्रदाता को आज की कॉल:
    } { $about ->
        [yes] लगभग { $calls }
       *[no] { $calls }
    } ({ $plan } प्लान: रोज़ की कोई सीमा नहीं)
capacity-longest-wait = लाइन में सबसे लंबा इंतज़ार: { $minutes } मिनट

digest-checks = <b>पिछला हफ़्ता</b>, { $first } से { $last } तक: { $count } जाँचें; { $active } सक्रिय, { $inactive } निष्क्रिय, { $not_seeded } किसी बैंक से नहीं जुड़े।
digest-service = सेवा त्रुटियाँ: { $percent }%। नतीजे तक का बीच का (मीडियन) समय: { $seconds } सेकंड। नतीजे से पहले रुकीं: { $stopped }।
