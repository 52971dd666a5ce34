## চাৰ্ট, প্ৰতিজন এজেণ্টৰ অৱস্থা, সাপ্তাহিক সাৰাংশ আৰু ক্ষমতা।

chart-title = প্ৰতিদিনৰ পৰীক্ষা, { $first }ৰ পৰা { $last }লৈ (ভাৰতীয় সময়)
chart-group =
    { $group ->
        [active] সক্ৰিয়
        [inactive] নিষ্ক্ৰিয়
        [not_seeded] কোনো বেংকৰ লগত সংযোগ নাই
        [vendor] সেৱা বিফল
       *[abandoned] ফলাফলৰ আগতে ৰ'ল
    }
chart-checks = পৰীক্ষা
chart-error-rate = সেৱাৰ ত্ৰুটি %
chart-median = ফলাফললৈ ছেকেণ্ড

stats-agents-header = <b>এজেণ্ট</b>, { $first }ৰ পৰা { $last }লৈ (যাৰ প্ৰতি মন দিব লাগে, তেওঁলোক আগত)
stats-agents-none = এতিয়াও কোনো এজেণ্ট নাই। কাৰোবাক যোগ কৰিবলৈ /invite পঠিয়াওক।
stats-agent-checks = পৰীক্ষা: { $count } ({ $mix })
stats-agent-last = শেষ পৰীক্ষা: { $when }
stats-agent-never = এতিয়ালৈকে কোনো পৰীক্ষা নাই।
stats-agent-idle = ⚠️ { $days } দিনৰ পৰা কোনো পৰীক্ষা নাই
stats-agent-unusual = ⚠️ { $percent }% পৰীক্ষা ফলাফল নোপোৱাকৈ শেষ হ'ল
stats-agents-usage = যোৱা 7 দিনৰ বাবে /stats agents পঠিয়াওক, বা আন দিনৰ বাবে তাৰিখ এনেদৰে লিখক: /stats agents 2026-01-01 2026-01-31।

capacity-budget =
    { $span ->
        [week] সেৱা প্ৰদানকাৰীৰ বাজেট, আটাইতকৈ ব্যস্ত দিন:
       *[today] সেৱা প্ৰদানকাৰীৰ আজিৰ বাজেট:
    } { $about ->
        [yes] প্ৰায় { $calls }
       *[no] { $calls }
    } / { $budget }টা কল ({ $percent }%, { $plan } প্লেন)
capacity-unlimited =
    { $span ->
        [week] সেৱা প্ৰদানকাৰীলৈ কল, আটাইতকৈ ব্যস্ত দিন:
       *[today] সেৱা প্ৰদানকাৰীলৈ আজিৰ কল:
    } { $about ->
        [yes] প্ৰায় { $calls }
       *[no] { $calls }
    } ({ $plan } প্লেন: দৈনিক কোনো সীমা নাই)
capacity-longest-wait = শাৰীত আটাইতকৈ দীঘল অপেক্ষা: { $minutes } মিনিট

digest-checks = <b>যোৱা সপ্তাহ</b>, { $first }ৰ পৰা { $last }লৈ: { $count }টা পৰীক্ষা; { $active }টা সক্ৰিয়, { $inactive }টা নিষ্ক্ৰিয়, { $not_seeded }টা কোনো বেংকৰ লগত সংযোগ নাই।
digest-service = সেৱাৰ ত্ৰুটি: { $percent }%। ফলাফললৈকে মধ্যমা (মিডিয়ান) সময়: { $seconds } ছেকেণ্ড। ফলাফলৰ আগতে ৰোৱা: { $stopped }টা।
