## چارٹ، ہر ایجنٹ کا حال، ہفتہ وار خلاصہ اور گنجائش۔

chart-title = روزانہ جانچیں، { $first } سے { $last } تک (بھارتی وقت)
chart-group =
    { $group ->
        [active] چالو
        [inactive] چالو نہیں
        [not_seeded] کسی بینک سے لنک نہیں
        [vendor] سروس ناکام
       *[abandoned] نتیجے سے پہلے رکی
    }
chart-checks = جانچیں
chart-error-rate = سروس کی خرابیاں %
chart-median = نتیجے تک سیکنڈ

stats-agents-header = <b>ایجنٹ</b>، { $first } سے { $last } تک (جن پر توجہ دینی ہے، وہ پہلے)
stats-agents-none = ابھی کوئی ایجنٹ نہیں ہے۔ کسی کو جوڑنے کے لیے { -lrm }/invite بھیجیں۔
stats-agent-checks = جانچیں: { $count } ({ $mix })
stats-agent-last = آخری جانچ: { $when }
stats-agent-never = ابھی تک کوئی جانچ نہیں۔
stats-agent-idle = ⚠️ { $days } دن سے کوئی جانچ نہیں
stats-agent-unusual = ⚠️ { $percent }% جانچیں نتیجے کے بغیر ختم ہوئیں
stats-agents-usage = پچھلے 7 دن کے لیے { -lrm }/stats agents بھیجیں، یا دوسرے دنوں کے لیے تاریخیں اس طرح لکھیں: { -lrm }/stats agents 2026-01-01 2026-01-31۔

capacity-budget =
    { $span ->
        [week] سروس فراہم کنندہ کا بجٹ، سب سے مصروف دن:
       *[today] سروس فراہم کنندہ کا آج کا بجٹ:
    } { $about ->
        [yes] تقریباً { $calls }
       *[no] { $calls }
    } / { $budget } کالیں ({ $percent }%، { $plan } پلان)
capacity-unlimited =
    { $span ->
        [week] سروس فراہم کنندہ کو کالیں، سب سے مصروف دن:
       *[today] سروس فراہم کنندہ کو آج کی کالیں:
    } { $about ->
        [yes] تقریباً { $calls }
       *[no] { $calls }
    } ({ $plan } پلان: روزانہ کی کوئی حد نہیں)
capacity-longest-wait = قطار میں سب سے لمبا انتظار: { $minutes } منٹ

digest-checks = <b>پچھلا ہفتہ</b>، { $first } سے { $last } تک: { $count } جانچیں؛ { $active } چالو، { $inactive } چالو نہیں، { $not_seeded } کسی بینک سے لنک نہیں۔
digest-service = سروس کی خرابیاں: { $percent }%۔ نتیجے تک درمیانی (میڈین) وقت: { $seconds } سیکنڈ۔ نتیجے سے پہلے رکیں: { $stopped }۔
