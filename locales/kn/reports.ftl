## ಚಾರ್ಟ್, ಪ್ರತಿ ಏಜೆಂಟ್‌ನ ಸ್ಥಿತಿ, ವಾರದ ಸಾರಾಂಶ ಮತ್ತು ಸಾಮರ್ಥ್ಯ.

chart-title = ದಿನದ ಪರಿಶೀಲನೆಗಳು, { $first } ರಿಂದ { $last } ವರೆಗೆ (ಭಾರತೀಯ ಸಮಯ)
chart-group =
    { $group ->
        [active] ಸಕ್ರಿಯ
        [inactive] ನಿಷ್ಕ್ರಿಯ
        [not_seeded] ಯಾವ ಬ್ಯಾಂಕ್‌ಗೂ ಜೋಡಣೆಯಾಗಿಲ್ಲ
        [vendor] ಸೇವೆ ವಿಫಲವಾಯಿತು
       *[abandoned] ಫಲಿತಾಂಶಕ್ಕೆ ಮೊದಲೇ ನಿಂತಿತು
    }
chart-checks = ಪರಿಶೀಲನೆಗಳು
chart-error-rate = ಸೇವಾ ದೋಷಗಳು %
chart-median = ಫಲಿತಾಂಶಕ್ಕೆ ಸೆಕೆಂಡ್

stats-agents-header = <b>ಏಜೆಂಟ್‌ಗಳು</b>, { $first } ರಿಂದ { $last } ವರೆಗೆ (ಗಮನಿಸಬೇಕಾದವರು ಮೊದಲು)
stats-agents-none = ಇನ್ನೂ ಯಾವ ಏಜೆಂಟ್‌ಗಳೂ ಇಲ್ಲ. ಒಬ್ಬರನ್ನು ಸೇರಿಸಲು /invite ಕಳುಹಿಸಿ.
stats-agent-checks = ಪರಿಶೀಲನೆಗಳು: { $count } ({ $mix })
stats-agent-last = ಕೊನೆಯ ಪರಿಶೀಲನೆ: { $when }
stats-agent-never = ಇನ್ನೂ ಯಾವ ಪರಿಶೀಲನೆಯೂ ಇಲ್ಲ.
stats-agent-idle = ⚠️ { $days } ದಿನಗಳಿಂದ ಯಾವ ಪರಿಶೀಲನೆಯೂ ಇಲ್ಲ
stats-agent-unusual = ⚠️ { $percent }% ಪರಿಶೀಲನೆಗಳು ಫಲಿತಾಂಶವಿಲ್ಲದೆ ಮುಗಿದವು
stats-agents-usage = ಕಳೆದ 7 ದಿನಗಳಿಗಾಗಿ /stats agents ಕಳುಹಿಸಿ, ಅಥವಾ ಬೇರೆ ದಿನಗಳಿಗಾಗಿ ದಿನಾಂಕಗಳನ್ನು ಹೀಗೆ ಬರೆಯಿರಿ: /stats agents 2026-01-01 2026-01-31.

capacity-budget =
    { $span ->
        [week] ಸೇವಾ ಸಂಸ್ಥೆಯ ಬಜೆಟ್, ಹೆಚ್ಚು ಕೆಲಸದ ದಿನ:
       *[today] ಇಂದಿನ ಸೇವಾ ಸಂಸ್ಥೆಯ ಬಜೆಟ್:
    } { $about ->
        [yes] ಸುಮಾರು { $calls }
       *[no] { $calls }
    } / { $budget } ಕರೆಗಳು ({ $percent }%, { $plan } ಯೋಜನೆ)
capacity-unlimited =
    { $span ->
        [week] ಸೇವಾ ಸಂಸ್ಥೆಗೆ ಕರೆಗಳು, ಹೆಚ್ಚು ಕೆಲಸದ ದಿನ:
       *[today] ಇಂದು ಸೇವಾ ಸಂಸ್ಥೆಗೆ ಕರೆಗಳು:
    } { $about ->
        [yes] ಸುಮಾರು { $calls }
       *[no] { $calls }
    } ({ $plan } ಯೋಜನೆ: ದಿನದ ಮಿತಿ ಇಲ್ಲ)
capacity-longest-wait = ಸಾಲಿನಲ್ಲಿ ಅತಿ ದೀರ್ಘ ಕಾಯುವಿಕೆ: { $minutes } ನಿಮಿಷ

digest-checks = <b>ಕಳೆದ ವಾರ</b>, { $first } ರಿಂದ { $last } ವರೆಗೆ: { $count } ಪರಿಶೀಲನೆಗಳು; { $active } ಸಕ್ರಿಯ, { $inactive } ನಿಷ್ಕ್ರಿಯ, { $not_seeded } ಯಾವ ಬ್ಯಾಂಕ್‌ಗೂ ಜೋಡಣೆಯಾಗಿಲ್ಲ.
digest-service = ಸೇವಾ ದೋಷಗಳು: { $percent }%. ಫಲಿತಾಂಶಕ್ಕೆ ಮಧ್ಯಮ (ಮೀಡಿಯನ್) ಸಮಯ: { $seconds } ಸೆಕೆಂಡ್. ಫಲಿತಾಂಶಕ್ಕೆ ಮೊದಲೇ ನಿಂತವು: { $stopped }.
