"""Ways to write a number that the recogniser (bot/domain/numbers.py) must still see: every
script's digits the bot reads, zero-width marks and bidirectional controls. Shared by the
recogniser's test vectors and the fuzzers."""

from __future__ import annotations

ZW = "\u200b\u200c\u200d\u2060"  # zero-width space, non-joiner, joiner, word joiner
BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
SCRIPTS = {
    "devanagari": "०१२३४५६७८९",
    "bengali-assamese": "০১২৩৪৫৬৭৮৯",
    "gurmukhi": "੦੧੨੩੪੫੬੭੮੯",
    "gujarati": "૦૧૨૩૪૫૬૭૮૯",
    "odia": "୦୧୨୩୪୫୬୭୮୯",
    "tamil": "௦௧௨௩௪௫௬௭௮௯",
    "telugu": "౦౧౨౩౪౫౬౭౮౯",
    "kannada": "೦೧೨೩೪೫೬೭೮೯",
    "malayalam": "൦൧൨൩൪൫൬൭൮൯",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "extended-arabic-indic": "۰۱۲۳۴۵۶۷۸۹",
    "full-width": "０１２３４５６７８９",
    "ascii": "0123456789",
}
