## வரைபடம், ஒவ்வொரு முகவரின் நிலை, வாராந்திரச் சுருக்கம், திறன்.

chart-title = நாள்தோறும் சரிபார்ப்புகள், { $first } முதல் { $last } வரை (இந்திய நேரம்)
chart-group =
    { $group ->
        [active] செயலில் உள்ளது
        [inactive] செயலில் இல்லை
        [not_seeded] எந்த வங்கியுடனும் இணைக்கப்படவில்லை
        [vendor] சேவை தோல்வி
       *[abandoned] முடிவுக்கு முன் நின்றது
    }
chart-checks = சரிபார்ப்புகள்
chart-error-rate = சேவைப் பிழைகள் %
chart-median = முடிவு வர விநாடிகள்

stats-agents-header = <b>முகவர்கள்</b>, { $first } முதல் { $last } வரை (கவனிக்க வேண்டியவர்கள் முதலில்)
stats-agents-none = இன்னும் முகவர்கள் இல்லை. ஒருவரைச் சேர்க்க /invite அனுப்புங்கள்.
stats-agent-checks = சரிபார்ப்புகள்: { $count } ({ $mix })
stats-agent-last = கடைசி சரிபார்ப்பு: { $when }
stats-agent-never = இன்னும் சரிபார்ப்பு இல்லை.
stats-agent-idle = ⚠️ { $days } நாட்களாகச் சரிபார்ப்பு இல்லை
stats-agent-unusual = ⚠️ { $percent }% சரிபார்ப்புகள் முடிவு இல்லாமல் முடிந்தன
stats-agents-usage = கடந்த 7 நாட்களுக்கு /stats agents அனுப்புங்கள், அல்லது மற்ற நாட்களுக்குத் தேதிகளை இப்படி எழுதுங்கள்: /stats agents 2026-01-01 2026-01-31.

capacity-budget =
    { $span ->
        [week] சேவை நிறுவன வரம்பு, அதிக வேலை நாள்:
       *[today] இன்றைய சேவை நிறுவன வரம்பு:
    } { $about ->
        [yes] சுமார் { $calls }
       *[no] { $calls }
    } / { $budget } அழைப்புகள் ({ $percent }%, { $plan } திட்டம்)
capacity-unlimited =
    { $span ->
        [week] சேவை நிறுவன அழைப்புகள், அதிக வேலை நாள்:
       *[today] இன்றைய சேவை நிறுவன அழைப்புகள்:
    } { $about ->
        [yes] சுமார் { $calls }
       *[no] { $calls }
    } ({ $plan } திட்டம்: தினசரி வரம்பு இல்லை)
capacity-longest-wait = வரிசையில் அதிக நேரக் காத்திருப்பு: { $minutes } நிமிடம்

digest-checks = <b>கடந்த வாரம்</b>, { $first } முதல் { $last } வரை: { $count } சரிபார்ப்புகள்; { $active } செயலில், { $inactive } செயலில் இல்லை, { $not_seeded } எந்த வங்கியுடனும் இணைக்கப்படவில்லை.
digest-service = சேவைப் பிழைகள்: { $percent }%. முடிவு வர நடுநிலை (மீடியன்) நேரம்: { $seconds } விநாடி. முடிவுக்கு முன் நின்றவை: { $stopped }.
