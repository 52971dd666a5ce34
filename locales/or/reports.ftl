## ଚାର୍ଟ, ପ୍ରତ୍ୟେକ ଏଜେଣ୍ଟଙ୍କ ସ୍ଥିତି, ସାପ୍ତାହିକ ସାରାଂଶ ଓ କ୍ଷମତା।

chart-title = ପ୍ରତିଦିନର ଯାଞ୍ଚ, { $first }ରୁ { $last } ପର୍ଯ୍ୟନ୍ତ (ଭାରତୀୟ ସମୟ)
chart-group =
    { $group ->
        [active] ସକ୍ରିୟ
        [inactive] ନିଷ୍କ୍ରିୟ
        [not_seeded] କୌଣସି ବ୍ୟାଙ୍କ ସହ ଯୋଡ଼ା ନାହିଁ
        [vendor] ସେବା ବିଫଳ
       *[abandoned] ଫଳାଫଳ ପୂର୍ବରୁ ଅଟକିଲା
    }
chart-checks = ଯାଞ୍ଚ
chart-error-rate = ସେବା ତ୍ରୁଟି %
chart-median = ଫଳାଫଳ ପର୍ଯ୍ୟନ୍ତ ସେକେଣ୍ଡ

stats-agents-header = <b>ଏଜେଣ୍ଟ</b>, { $first }ରୁ { $last } ପର୍ଯ୍ୟନ୍ତ (ଯାହାଙ୍କ ଉପରେ ଧ୍ୟାନ ଦେବା ଦରକାର, ସେମାନେ ପ୍ରଥମେ)
stats-agents-none = ଏପର୍ଯ୍ୟନ୍ତ କୌଣସି ଏଜେଣ୍ଟ ନାହାନ୍ତି। କାହାକୁ ଯୋଡ଼ିବା ପାଇଁ /invite ପଠାନ୍ତୁ।
stats-agent-checks = ଯାଞ୍ଚ: { $count } ({ $mix })
stats-agent-last = ଶେଷ ଯାଞ୍ଚ: { $when }
stats-agent-never = ଏପର୍ଯ୍ୟନ୍ତ କୌଣସି ଯାଞ୍ଚ ନାହିଁ।
stats-agent-idle = ⚠️ { $days } ଦିନ ହେଲା କୌଣସି ଯାଞ୍ଚ ନାହିଁ
stats-agent-unusual = ⚠️ { $percent }% ଯାଞ୍ଚ ଫଳାଫଳ ବିନା ଶେଷ ହେଲା
stats-agents-usage = ଗତ 7 ଦିନ ପାଇଁ /stats agents ପଠାନ୍ତୁ, କିମ୍ବା ଅନ୍ୟ ଦିନ ପାଇଁ ତାରିଖ ଏହିପରି ଲେଖନ୍ତୁ: /stats agents 2026-01-01 2026-01-31।

capacity-budget =
    { $span ->
        [week] ସେବା ପ୍ରଦାନକାରୀଙ୍କ ବଜେଟ, ସବୁଠୁ ବ୍ୟସ୍ତ ଦିନ:
       *[today] ସେବା ପ୍ରଦାନକାରୀଙ୍କ ଆଜିର ବଜେଟ:
    } { $about ->
        [yes] ପ୍ରାୟ { $calls }
       *[no] { $calls }
    } / { $budget }ଟି କଲ ({ $percent }%, { $plan } ପ୍ଲାନ)
capacity-unlimited =
    { $span ->
        [week] ସେବା ପ୍ରଦାନକାରୀଙ୍କୁ କଲ, ସବୁଠୁ ବ୍ୟସ୍ତ ଦିନ:
       *[today] ସେବା ପ୍ରଦାନକାରୀଙ୍କୁ ଆଜିର କଲ:
    } { $about ->
        [yes] ପ୍ରାୟ { $calls }
       *[no] { $calls }
    } ({ $plan } ପ୍ଲାନ: ଦୈନିକ କୌଣସି ସୀମା ନାହିଁ)
capacity-longest-wait = ଧାଡ଼ିରେ ସବୁଠୁ ଲମ୍ବା ଅପେକ୍ଷା: { $minutes } ମିନିଟ

digest-checks = <b>ଗତ ସପ୍ତାହ</b>, { $first }ରୁ { $last } ପର୍ଯ୍ୟନ୍ତ: { $count }ଟି ଯାଞ୍ଚ; { $active }ଟି ସକ୍ରିୟ, { $inactive }ଟି ନିଷ୍କ୍ରିୟ, { $not_seeded }ଟି କୌଣସି ବ୍ୟାଙ୍କ ସହ ଯୋଡ଼ା ନାହିଁ।
digest-service = ସେବା ତ୍ରୁଟି: { $percent }%। ଫଳାଫଳ ପର୍ଯ୍ୟନ୍ତ ମଧ୍ୟମ (ମିଡିଆନ) ସମୟ: { $seconds } ସେକେଣ୍ଡ। ଫଳାଫଳ ପୂର୍ବରୁ ଅଟକିଥିବା: { $stopped }ଟି।
