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
