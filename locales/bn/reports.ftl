## চার্ট, প্রত্যেক এজেন্টের অবস্থা, সাপ্তাহিক সারাংশ ও ক্ষমতা।

chart-title = প্রতিদিনের যাচাই, { $first } থেকে { $last } (ভারতীয় সময়)
chart-group =
    { $group ->
        [active] সক্রিয়
        [inactive] নিষ্ক্রিয়
        [not_seeded] কোনো ব্যাঙ্কে যুক্ত নয়
        [vendor] পরিষেবা ব্যর্থ
       *[abandoned] ফলের আগে থেমেছে
    }
chart-checks = যাচাই
chart-error-rate = পরিষেবার ত্রুটি %
chart-median = ফল পেতে সেকেন্ড

stats-agents-header = <b>এজেন্ট</b>, { $first } থেকে { $last } (যাঁদের দিকে নজর দরকার, তাঁরা আগে)
stats-agents-none = এখনও কোনো এজেন্ট নেই। কাউকে যুক্ত করতে /invite পাঠান।
stats-agent-checks = যাচাই: { $count } ({ $mix })
stats-agent-last = শেষ যাচাই: { $when }
stats-agent-never = এখনও কোনো যাচাই নেই।
stats-agent-idle = ⚠️ { $days } দিন ধরে কোনো যাচাই নেই
stats-agent-unusual = ⚠️ { $percent }% যাচাই ফল ছাড়াই শেষ হয়েছে
stats-agents-usage = গত 7 দিনের জন্য /stats agents পাঠান, বা অন্য দিনের জন্য তারিখ এভাবে লিখুন: /stats agents 2026-01-01 2026-01-31।

capacity-budget =
    { $span ->
        [week] পরিষেবা-প্রদানকারীর বাজেট, সবচেয়ে ব্যস্ত দিন:
       *[today] পরিষেবা-প্রদানকারীর আজকের বাজেট:
    } { $about ->
        [yes] প্রায় { $calls }
       *[no] { $calls }
    } / { $budget }টি কল ({ $percent }%, { $plan } প্ল্যান)
capacity-unlimited =
    { $span ->
        [week] পরিষেবা-প্রদানকারীকে কল, সবচেয়ে ব্যস্ত দিন:
       *[today] পরিষেবা-প্রদানকারীকে আজকের কল:
    } { $about ->
        [yes] প্রায় { $calls }
       *[no] { $calls }
    } ({ $plan } প্ল্যান: দৈনিক কোনো সীমা নেই)
capacity-longest-wait = লাইনে সবচেয়ে বেশি অপেক্ষা: { $minutes } মিনিট

digest-checks = <b>গত সপ্তাহ</b>, { $first } থেকে { $last }: { $count }টি যাচাই; { $active }টি সক্রিয়, { $inactive }টি নিষ্ক্রিয়, { $not_seeded }টি কোনো ব্যাঙ্কে যুক্ত নয়।
digest-service = পরিষেবার ত্রুটি: { $percent }%। ফল পেতে মাঝামাঝি (মিডিয়ান) সময়: { $seconds } সেকেন্ড। ফলের আগে থেমেছে: { $stopped }টি।
