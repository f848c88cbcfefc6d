#!/usr/bin/env python3
"""Writes corpus.txt, the parity corpus of the tokenizer tests (Python 3 stdlib only, fixed seed).

    python3 Fixtures/tokenizers/make_corpus.py

2,400 lines, separated by "\\n" alone (a line may hold "\\r", U+0085, U+2028 and other line-breaking
characters; readers split on "\\n" only), UTF-8. Each line is one to five fragments drawn from the
pools below and joined by a random separator (space, tab, runs of spaces, nothing), so that every
kind of text meets every other: English with contractions in both cases, accents, CJK, emoji
(ZWJ sequences, skin tones, flags, emoji from Unicode 14 to 16), right-to-left text with marks,
combining marks, Greek final sigma, Turkish dotted and dotless i, zero-width and control
characters, numbers (long digit runs, decimals, thousands), whitespace runs, Python, C, JSON and
shell code, and the texts of special tokens of BERT, GPT-2, Llama 3 and Qwen2. A few lines are
long (over 128 BERT tokens, so truncation shows) or hold words over 100 characters.

`lines(seed)` is imported by make_bpe_tokenizers.py to make a training text with another seed.
"""
import os
import random

WORDS = ("the quick brown fox jumps over a lazy dog while model weights are quantized to eight bits "
         "and tokenizers split text into pieces before embedding lookup happens on every layer").split()
CONTRACTIONS = ["it's", "don't", "we're", "they've", "I'm", "you'll", "she'd", "IT'S", "DON'T", "WE'RE",
                "THEY'VE", "I'M", "YOU'LL", "SHE'D", "Isn't", "Can'T", "We'Re", "o'clock", "rock 'n' roll"]
ACCENTS = ["café", "naïve", "Ångström", "façade", "São Paulo", "Zürich", "résumé", "Dvořák", "Łódź", "Ærø",
           "crème brûlée", "jalapeño", "Ślęża", "Þórr", "Đặng Thị", "Ｆｕｌｌｗｉｄｔｈ", "ﬁnancial ﬂow", "Ⅻ ½ ² ³"]
CJK = ["日本語のテキストです。", "中文句子，包括标点。", "한국어 문장입니다", "漢字かな交じり文", "𠀋𡈽𡌛",
       "繁體中文「引號」", "カタカナ ｶﾀｶﾅ", "㐀㐁 丽 豈", "你好，世界！", "東京都 2024年"]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷🇯🇵", "🫠", "🫨", "🩷", "🐦‍🔥", "🫩", "🫆", "❤️", "✨🚀",
         "🙂‍↔️", "🧑🏿‍💻", "©®™", "1️⃣#️⃣"]
RTL = ["مرحبا بالعالم", "שלום עולם", "\u200fעברית\u200e", "العربية ١٢٣٤", "فارسی: سلام", "\u202bembedded\u202c"]
COMBINING = ["e\u0301", "a\u0308\u0323", "o\u0323\u0302", "Z\u0351\u0364\u036ba\u0317\u0324l\u0354g\u0353o",
             "नमस्ते दुनिया", "ภาษาไทย", "\u1e9b\u0323", "q\u0307\u0323", "\u0915\u093c", "각", "n\u0303o"]
GREEK = ["ΟΔΥΣΣΕΥΣ", "Σίσυφος", "ΣΑΣ", "λόγος", "ὀδυσσεύς", "ΆΈΉ", "ς σ Σ"]
TURKISH = ["İstanbul", "ISTANBUL", "ıi İI", "DİYARBAKIR", "ılık"]
INVISIBLE = ["zero\u200bwidth", "join\u200cer", "a\u200db", "\ufeffbom", "word\u2060joiner", "soft\u00adhyphen",
             "nbsp\u00a0here", "narrow\u202fnbsp", "ideo\u3000space", "en\u2002quad"]
CONTROL = ["bell\x07", "nul\x00byte", "\x1b[31mred\x1b[0m", "del\x7f", "next\x85line", "cr\rreturn", "vt\x0bff\x0c",
           "line\u2028sep", "para\u2029sep", "rep\ufffdchar", "pua\ue000\U000f0000", "unassigned\u0378\U000e0080",
           "tab\tinside", "\x01\x02\x03", "fmt\u2066iso\u2069"]
NUMBERS = ["12345678901234567890", "3.14159", "1,000,000", "-42", "0x1F", "1e-9", "2024-11-30", "12:30:45",
           "$1,234.56", "50%", "٣٫١٤", "१२३", "10⁻³", "v1.2.3", "+33 6 12 34 56 78", "007"]
CODE = ["def f(x):  return x**2 + 1  # square", "int main(void) { return 0; }", "for (int i = 0; i < n; ++i) a[i] += b[i];",
        '{"key": [1, 2.5, null], "s": "x\\"y", "ok": true}', "for f in *.txt; do echo \"$f\" | grep -v '^#' >> out.log; done",
        "if [[ -z \"$HOME\" ]]; then exit 1; fi", "x = {'a': 1, **kw}; print(f\"{x!r:>10}\")", "#include <stdio.h>",
        "SELECT * FROM t WHERE id = 42;", "const s = `tpl ${a}`; // js", "https://example.com/path?q=1&r=%20",
        "user@example.org", "C:\\Program Files\\x.exe", "~/.config/*.json", "a->b; c::d; e=>f; g||h && !i"]
SPECIAL = ["[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]", "[cls]", "<|endoftext|>", "<|begin_of_text|>",
           "<|end_of_text|>", "<|eot_id|>", "<|im_start|>", "<|im_end|>", "<mask>", " <mask> ", "<|im_start|>user",
           "<s>", "</s>", "Ångström"]
PUNCTUATION = ["...", "—", "–", "«guillemets»", "„Anführung“", "¿Qué?", "¡Hola!", "⸺", "⹂", "⹎", "‽", "§¶", "†‡",
               "€ ¥ ₿ £", "∑∫√∞", "«»‹›", "、。・", "։֊", "჻", "᭞"]
POOLS = [WORDS, CONTRACTIONS, ACCENTS, CJK, EMOJI, RTL, COMBINING, GREEK, TURKISH, INVISIBLE, CONTROL, NUMBERS,
         CODE, SPECIAL, PUNCTUATION]
SEPARATORS = [" ", " ", " ", "  ", "\t", "", "   ", " \t "]


def fragment(rng):
    pool = rng.choice(POOLS)
    if pool is WORDS:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))
    return rng.choice(pool)


def line(rng, index):
    if index % 97 == 0:
        return " ".join(rng.choice(WORDS + CONTRACTIONS + NUMBERS) for _ in range(rng.randint(140, 220)))
    if index % 89 == 0:
        return rng.choice(["a", "x", "ab", "é"]) * rng.randint(101, 140) + " short"
    if index % 131 == 0:
        return rng.choice(["", " ", "\t", "   "])
    parts = [fragment(rng) for _ in range(rng.randint(1, 5))]
    text = parts[0]
    for part in parts[1:]:
        text += rng.choice(SEPARATORS) + part
    if rng.random() < 0.1:
        text = rng.choice(["  ", "\t", " "]) + text
    if rng.random() < 0.1:
        text += rng.choice(["  ", "\t", " ", "   "])
    return text


def lines(seed, count):
    rng = random.Random(seed)
    return [line(rng, index) for index in range(count)]


if __name__ == "__main__":
    corpus = lines(20261130, 2400)
    assert all("\n" not in text for text in corpus)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus.txt")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(corpus) + "\n")
    print(f"{path}: {len(corpus)} lines, {os.path.getsize(path)} bytes")
