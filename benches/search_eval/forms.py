"""Finnish noun and adjective forms from written-down rules, for the search evaluation.

The evaluation's relevance rule is "the document contains a form of the lemma as a whole word".
The forms come from the rules below (inflection classes after the Kotus types, case endings,
consonant gradation) and are checked against word forms that human annotators lemmatised in the
Universal Dependencies treebanks (see build.py): a lemma is used only if one class explains its
observed forms. Nothing here looks at kumppani's index or stemmer.

Notation in endings: A = a/ä, O = o/ö, U = u/y by vowel harmony of the word's last part.
"""

VOWELS = set("aeiouyäö")
BACK = set("aou")
FRONT = set("äöy")

# Strong -> weak grade of the consonant(s) that open the last syllable (kk:k, nk:ng, p:v, t:d,
# k:zero ...). The first entry that matches the end of the consonant run applies; single k has
# extra variants (puku:puvun, aika:ajan, jälki:jäljen) that the class check decides between.
WEAKEN = [
    ("kk", ["k"]), ("pp", ["p"]), ("tt", ["t"]),
    ("nk", ["ng"]), ("mp", ["mm"]), ("lt", ["ll"]), ("nt", ["nn"]), ("rt", ["rr"]),
    ("ht", ["hd"]), ("lp", ["lv"]), ("rp", ["rv"]),
    ("lk", ["l", "lj"]), ("rk", ["r", "rj"]), ("hk", ["h"]),
    ("p", ["v"]), ("t", ["d"]), ("k", ["", "v", "j"]),
]
# Weak -> strong, for the classes whose nominative has the weak grade (osoite:osoitteen,
# tarve:tarpeen, rikas:rikkaan, koe:kokeen).
STRENGTHEN = [
    ("ng", ["nk"]), ("mm", ["mp"]), ("ll", ["lt"]), ("nn", ["nt"]), ("rr", ["rt"]),
    ("hd", ["ht"]), ("lv", ["lp"]), ("rv", ["rp"]),
    ("d", ["t"]), ("v", ["p"]), ("k", ["kk"]), ("p", ["pp"]), ("t", ["tt"]),
    ("", ["k"]),
]
NO_GRADE = {"s", "sk", "st", "ts", "tk", "hk"}


def harmony(word):
    """'back' or 'front' by the last harmony vowel (compound parts are joined already)."""
    for ch in reversed(word):
        if ch in BACK:
            return "back"
        if ch in FRONT:
            return "front"
    return "front"


def fill(ending, h):
    if h == "back":
        return ending.replace("A", "a").replace("O", "o").replace("U", "u")
    return ending.replace("A", "ä").replace("O", "ö").replace("U", "y")


def _split_last_onset(stem):
    """stem = head + consonants + final vowels; returns (head, consonants, vowels) or None."""
    i = len(stem)
    while i > 0 and stem[i - 1] in VOWELS:
        i -= 1
    j = i
    while j > 0 and stem[j - 1] not in VOWELS:
        j -= 1
    if i == len(stem) or j == 0:
        return None
    return stem[:j], stem[j:i], stem[i:]


def grade(stem, table):
    """Variants of stem with its last onset changed by table (weaken or strengthen)."""
    parts = _split_last_onset(stem)
    if parts is None:
        # vowel + vowel ending (koe): only strengthening inserts a consonant
        if table is STRENGTHEN and len(stem) >= 2 and stem[-1] in VOWELS and stem[-2] in VOWELS:
            return [stem[:-1] + "k" + stem[-1]]
        return []
    head, cons, vowels = parts
    if cons in NO_GRADE:
        return []
    for strong, weaks in table:
        if strong == "" and cons:
            continue
        if cons.endswith(strong):
            base = cons[: len(cons) - len(strong)]
            out = []
            for w in weaks:
                if strong == "k" and table is WEAKEN and len(cons) == 1:
                    # puku:puvun, kyky:kyvyn only between u..u / y..y; aika:ajan after i
                    if w == "v" and not (head[-1:] in ("u", "y") and vowels[:1] == head[-1:]):
                        continue
                    if w == "j" and not head.endswith("i"):
                        continue
                out.append(head + base + w + vowels)
            return out
    return []


# The abessive (-ttA) is left out: rare, and its plural collides with verb stems (seli-ttä).
SG_WEAK = {"gen.sg": "n", "ine.sg": "ssA", "ela.sg": "stA", "ade.sg": "llA", "abl.sg": "ltA",
           "all.sg": "lle", "tra.sg": "ksi", "nom.pl": "t"}
SG_STRONG = {"ess.sg": "nA"}
PL_WEAK = {"ine.pl": "ssA", "ela.pl": "stA", "ade.pl": "llA", "abl.pl": "ltA", "all.pl": "lle",
           "tra.pl": "ksi", "ins.pl": "n"}
PL_STRONG = {"ess.pl": "nA", "com.pl": "ne"}


def _paradigm(nom, ss, sw, ps, pw, extra, h):
    forms = {"nom.sg": [nom]}
    for tag, e in SG_WEAK.items():
        forms[tag] = [sw + fill(e, h)]
    for tag, e in SG_STRONG.items():
        forms[tag] = [ss + fill(e, h)]
    for tag, e in PL_WEAK.items():
        forms[tag] = [pw + fill(e, h)]
    for tag, e in PL_STRONG.items():
        forms[tag] = [ps + fill(e, h)]
    for tag, values in extra.items():
        forms[tag] = [fill(v, h) for v in values]
    return forms


def candidates(lemma):
    """Every (class name, forms by tag, strong singular stem) that the rules allow for lemma."""
    h = harmony(lemma)
    L = lemma
    out = []
    last = L[-1]
    weak_variants = grade(L, WEAKEN)

    def with_grades(name, build):
        out.append((name, *build(L)))
        for w in weak_variants:
            out.append((name + "+grad", *build(w)))

    if last in "ouyö":
        def v1(sw):
            return _paradigm(L, L, sw, L + "i", sw + "i",
                             {"ill.sg": [L + last + "n"], "par.sg": [L + "A"],
                              "par.pl": [L + "jA"], "gen.pl": [L + "jen"],
                              "ill.pl": [L + "ihin"]}, h), L
        with_grades("V", v1)
    if last in "aä":
        base = L[:-1]
        for pl_name, pl in (("i", "i"), ("oi", "Oi")):
            def a(sw, pl=pl):
                pbase = base + fill(pl, h)
                wbase = sw[:-1] + fill(pl, h)
                if pl == "i":
                    extra = {"par.pl": [base + "iA"], "gen.pl": [base + "ien"],
                             "ill.pl": [base + "iin"]}
                else:
                    extra = {"par.pl": [base + "OjA", base + "OitA"],
                             "gen.pl": [base + "Ojen", base + "Oiden", base + "Oitten"],
                             "ill.pl": [base + "Oihin"]}
                extra.update({"ill.sg": [L + last + "n"], "par.sg": [L + "A"]})
                return _paradigm(L, L, sw, pbase, wbase, extra, h), L
            with_grades("A" + pl_name, a)
    if last == "i":
        base = L[:-1]

        def i5(sw):
            return _paradigm(L, L, sw, base + "ei", sw[:-1] + "ei",
                             {"ill.sg": [L + "in"], "par.sg": [L + "A"],
                              "par.pl": [base + "ejA", base + "eitA"],
                              "gen.pl": [L + "en", base + "eiden", base + "eitten"],
                              "ill.pl": [base + "eihin"]}, h), L
        with_grades("I5", i5)

        def i7(sw):
            return _paradigm(L, base + "e", sw[:-1] + "e", base + "i", sw[:-1] + "i",
                             {"ill.sg": [base + "een"], "par.sg": [base + "eA"],
                              "par.pl": [base + "iA"], "gen.pl": [base + "ien"],
                              "ill.pl": [base + "iin"]}, h), base + "e"
        with_grades("I7", i7)
    if last == "e":
        for strong in [L] + grade(L, STRENGTHEN):
            s = strong
            forms = _paradigm(L, s + "e", s + "e", s + "i", s + "i",
                              {"ill.sg": [s + "eseen"], "par.sg": [L + "ttA"],
                               "par.pl": [s + "itA"], "gen.pl": [s + "iden", s + "itten"],
                               "ill.pl": [s + "isiin", s + "ihin"]}, h)
            out.append(("E48" + ("" if s == L else "+grad"), forms, s + "e"))
    if L.endswith("nen") and len(L) > 4:
        b = L[:-3]
        forms = _paradigm(L, b + "se", b + "se", b + "si", b + "si",
                          {"ill.sg": [b + "seen"], "par.sg": [b + "stA"], "par.pl": [b + "siA"],
                           "gen.pl": [b + "sten", b + "sien"], "ill.pl": [b + "siin"]}, h)
        out.append(("NEN38", forms, b + "se"))
    if last == "s" and len(L) > 3 and L[-2] in VOWELS:
        b = L[:-1]
        forms = _paradigm(L, b + "kse", b + "kse", b + "ksi", b + "ksi",
                          {"ill.sg": [b + "kseen"], "par.sg": [L + "tA"], "par.pl": [b + "ksiA"],
                           "gen.pl": [L + "ten", b + "ksien"], "ill.pl": [b + "ksiin"]}, h)
        out.append(("S39", forms, b + "kse"))
        if L[-2] in "uy":
            forms = _paradigm(L, b + "te", b + "de", b + "ksi", b + "ksi",
                              {"ill.sg": [b + "teen"], "par.sg": [b + "ttA"],
                               "par.pl": [b + "ksiA"], "gen.pl": [b + "ksien"],
                               "ill.pl": [b + "ksiin"]}, h)
            out.append(("S40", forms, b + "te"))
        if L[-2] in "aäei":
            v = L[-2]
            for strong in [b] + grade(b, STRENGTHEN):
                st = strong + v
                forms = _paradigm(L, st, st, strong + "i", strong + "i",
                                  {"ill.sg": [st + "seen"], "par.sg": [L + "tA"],
                                   "par.pl": [strong + "itA"],
                                   "gen.pl": [strong + "iden", strong + "itten"],
                                   "ill.pl": [strong + "isiin", strong + "ihin"]}, h)
                out.append(("S41" + ("" if strong == b else "+grad"), forms, st))
    if L.endswith("in") and len(L) > 4:
        b = L[:-1] + "m"
        forms = _paradigm(L, b + "e", b + "e", b + "i", b + "i",
                          {"ill.sg": [b + "een"], "par.sg": [L + "tA"], "par.pl": [b + "iA"],
                           "gen.pl": [b + "ien", L + "ten"], "ill.pl": [b + "iin"]}, h)
        out.append(("IN33", forms, b + "e"))
    if (L.endswith("ton") or L.endswith("tön")) and len(L) > 4:
        b = L[:-3] + "tt" + L[-2] + "m"
        a = fill("A", h)
        forms = _paradigm(L, b + a, b + a, b + "i", b + "i",
                          {"ill.sg": [b + a + a + "n"], "par.sg": [L + "tA"],
                           "par.pl": [b + "iA"], "gen.pl": [b + "ien", L + "ten"],
                           "ill.pl": [b + "iin"]}, h)
        out.append(("TON34", forms, b + a))
    return out


PERSONAL = ["ni", "si", "nsA", "mme", "nne"]
CLITICS = ["kin", "kAAn", "hAn", "kO", "pA"]


def possessives(forms, strong_stem, h):
    """Forms with a possessive suffix: lupa-nsa, luvassa-an, taloo-nsa (illative), talo-ni."""
    out = set()
    for px in PERSONAL:
        out.add(strong_stem + fill(px, h))
    for tag, values in forms.items():
        if tag in ("nom.sg", "gen.sg", "nom.pl"):
            continue
        for f in values:
            if tag.startswith("tra."):
                # translative + possessive: -kse-ni, -kse-en (not -ksi-in)
                stem = f[:-1] + "e"
                out.update(stem + fill(px, h) for px in PERSONAL)
                out.add(stem + "en")
            elif f.endswith("n") or f.endswith("t"):
                stem = f[:-1]
                out.update(stem + fill(px, h) for px in PERSONAL)
            elif f[-1] in VOWELS:
                out.update(f + fill(px, h) for px in PERSONAL if px != "nsA")
                out.add(f + f[-1] + "n")
                out.add(f + fill("nsA", h))
    return out


def expand(forms, strong_stem, h):
    """Every surface form: the paradigm, possessive forms, and both with a clitic."""
    plain = {f for values in forms.values() for f in values}
    px = possessives(forms, strong_stem, h)
    out = set(plain) | px
    for f in plain | px:
        out.update(f + fill(c, h) for c in CLITICS)
    return out


def best_class(lemma, observed, head=None):
    """The class that explains the most of the observed plain forms of (the head of) lemma.

    observed: plain forms (no possessive suffix, no clitic) that annotators gave this lemma.
    Returns (class, forms, strong stem, share explained) or None. For a compound, the class is
    chosen on its head and the first parts are put in front of every form.
    """
    word = head or lemma
    prefix = lemma[: len(lemma) - len(word)]
    best = None
    for name, forms, ss in candidates(word):
        generated = {f for values in forms.values() for f in values}
        hit = sum(1 for o in observed if o in generated)
        share = hit / len(observed) if observed else 0.0
        if best is None or share > best[3] + 1e-9:
            best = (name, forms, ss, share)
    if best is None:
        return None
    name, forms, ss, share = best
    if prefix:
        forms = {t: [prefix + f for f in v] for t, v in forms.items()}
        ss = prefix + ss
    return name, forms, ss, share
