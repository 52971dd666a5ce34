## तक्ता, प्रत्येक एजंटची स्थिती, साप्ताहिक सारांश आणि क्षमता.

chart-title = दररोजच्या तपासण्या, { $first } ते { $last } (भारतीय वेळ)
chart-group =
    { $group ->
        [active] सक्रिय
        [inactive] निष्क्रिय
        [not_seeded] कोणत्याही बँकेशी जोडलेले नाही
        [vendor] सेवा अयशस्वी
       *[abandoned] निकालाआधी थांबली
    }
chart-checks = तपासण्या
chart-error-rate = सेवेतील चुका %
chart-median = निकालापर्यंत सेकंद

stats-agents-header = <b>एजंट</b>, { $first } ते { $last } (ज्यांच्याकडे लक्ष द्यायचे ते आधी)
stats-agents-none = अजून कोणीही एजंट नाही. एजंट जोडण्यासाठी /invite पाठवा.
stats-agent-checks = तपासण्या: { $count } ({ $mix })
stats-agent-last = शेवटची तपासणी: { $when }
stats-agent-never = अजून एकही तपासणी नाही.
stats-agent-idle = ⚠️ { $days } दिवसांपासून एकही तपासणी नाही
stats-agent-unusual = ⚠️ { $percent }% तपासण्या निकालाशिवाय संपल्या
stats-agents-usage = मागील 7 दिवसांसाठी /stats agents पाठवा, किंवा इतर दिवसांसाठी तारखा अशा लिहा: /stats agents 2026-01-01 2026-01-31.

capacity-budget =
    { $span ->
        [week] सेवा पुरवठादाराचे बजेट, सर्वात जास्त कामाचा दिवस:
       *[today] सेवा पुरवठादाराचे आजचे बजेट:
    } { $about ->
        [yes] सुमारे { $calls }
       *[no] { $calls }
    } / { $budget } कॉल ({ $percent }%, { $plan } प्लॅन)
capacity-unlimited =
    { $span ->
        [week] सेवा पुरवठादाराला कॉल, सर्वात जास्त कामाचा दिवस:
       *[today] सेवा पुरवठादाराला आजचे कॉल:
    } { $about ->
        [yes] सुमारे { $calls }
       *[no] { $calls }
    } ({ $plan } प्लॅन: दररोजची मर्यादा नाही)
capacity-longest-wait = रांगेतील सर्वात जास्त प्रतीक्षा: { $minutes } मिनिटे

digest-checks = <b>मागील आठवडा</b>, { $first } ते { $last }: { $count } तपासण्या; { $active } सक्रिय, { $inactive } निष्क्रिय, { $not_seeded } कोणत्याही बँकेशी जोडलेले नाहीत.
digest-service = सेवेतील चुका: { $percent }%. निकालापर्यंतचा मधला (मीडियन) वेळ: { $seconds } सेकंद. निकालाआधी थांबलेल्या: { $stopped }.
