#!/usr/bin/env python3
"""Deterministic benchmark corpus for kumppani, and the same pages laid out for Hugo.

    python3 benches/gen_corpus.py --pages 10000 --out benches/corpus/10k [--seed 7] [--heavy]

writes two sites:
  <out>/kumppani/  config.toml + content/ (Zola-style, `@/` links, [organisation] profiles)
  <out>/hugo/      hugo.toml + content/ + layouts/ (same pages, relative links, same taxonomy)

Same seed and page count give the same bytes (only `random.Random(seed)` is used, never the
clock or hash order). The text is Finnish-like: real Finnish stems in several inflected forms
(kaupunki, kaupungin, kaupungissa, …), so a Finnish search index sees gradation and compounds.
Organisation profiles follow the hub's rules: configured categories and areas, example.fi
e-mail addresses, 010 phone numbers, valid Y-tunnus check digits, `verified` dates in the past.
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
from dataclasses import dataclass, field

# Nouns in nominative, genitive, inessive, elative, partitive plural: the forms a reader types.
NOUNS = [
    ("kaupunki", "kaupungin", "kaupungissa", "kaupungista", "kaupunkeja"),
    ("järjestö", "järjestön", "järjestössä", "järjestöstä", "järjestöjä"),
    ("yhdistys", "yhdistyksen", "yhdistyksessä", "yhdistyksestä", "yhdistyksiä"),
    ("avustus", "avustuksen", "avustuksessa", "avustuksesta", "avustuksia"),
    ("vapaaehtoinen", "vapaaehtoisen", "vapaaehtoisessa", "vapaaehtoisesta", "vapaaehtoisia"),
    ("tila", "tilan", "tilassa", "tilasta", "tiloja"),
    ("kokous", "kokouksen", "kokouksessa", "kokouksesta", "kokouksia"),
    ("kylä", "kylän", "kylässä", "kylästä", "kyliä"),
    ("nuori", "nuoren", "nuoressa", "nuoresta", "nuoria"),
    ("perhe", "perheen", "perheessä", "perheestä", "perheitä"),
    ("harrastus", "harrastuksen", "harrastuksessa", "harrastuksesta", "harrastuksia"),
    ("seura", "seuran", "seurassa", "seurasta", "seuroja"),
    ("tapahtuma", "tapahtuman", "tapahtumassa", "tapahtumasta", "tapahtumia"),
    ("ilmoitus", "ilmoituksen", "ilmoituksessa", "ilmoituksesta", "ilmoituksia"),
    ("hakemus", "hakemuksen", "hakemuksessa", "hakemuksesta", "hakemuksia"),
    ("koulu", "koulun", "koulussa", "koulusta", "kouluja"),
    ("kirjasto", "kirjaston", "kirjastossa", "kirjastosta", "kirjastoja"),
    ("liikunta", "liikunnan", "liikunnassa", "liikunnasta", "liikuntoja"),
    ("kulttuuri", "kulttuurin", "kulttuurissa", "kulttuurista", "kulttuureja"),
    ("asukas", "asukkaan", "asukkaassa", "asukkaasta", "asukkaita"),
    ("ryhmä", "ryhmän", "ryhmässä", "ryhmästä", "ryhmiä"),
    ("toiminta", "toiminnan", "toiminnassa", "toiminnasta", "toimintoja"),
    ("seniori", "seniorin", "seniorissa", "seniorista", "senioreita"),
    ("talkoo", "talkoon", "talkoossa", "talkoosta", "talkoita"),
    ("kerho", "kerhon", "kerhossa", "kerhosta", "kerhoja"),
    ("foorumi", "foorumin", "foorumissa", "foorumista", "foorumeita"),
    ("sopimus", "sopimuksen", "sopimuksessa", "sopimuksesta", "sopimuksia"),
    ("hallitus", "hallituksen", "hallituksessa", "hallituksesta", "hallituksia"),
    ("jäsen", "jäsenen", "jäsenessä", "jäsenestä", "jäseniä"),
    ("vuosi", "vuoden", "vuodessa", "vuodesta", "vuosia"),
    ("leiri", "leirin", "leirissä", "leiristä", "leirejä"),
    ("retki", "retken", "retkessä", "retkestä", "retkiä"),
    ("katu", "kadun", "kadussa", "kadusta", "katuja"),
    ("puisto", "puiston", "puistossa", "puistosta", "puistoja"),
    ("järvi", "järven", "järvessä", "järvestä", "järviä"),
    ("sauna", "saunan", "saunassa", "saunasta", "saunoja"),
    ("kahvila", "kahvilan", "kahvilassa", "kahvilasta", "kahviloita"),
    ("työpaja", "työpajan", "työpajassa", "työpajasta", "työpajoja"),
    ("koordinaattori", "koordinaattorin", "koordinaattorissa", "koordinaattorista", "koordinaattoreita"),
    ("tiedote", "tiedotteen", "tiedotteessa", "tiedotteesta", "tiedotteita"),
]
# Closed compounds made of the nouns above: what a decompounder has to split.
COMPOUNDS = [
    "yhdistysavustus", "yhdistysavustukset", "liikuntaseura", "liikuntaseurat", "virheilmoitus",
    "kyläyhdistys", "nuorisotila", "perhekahvila", "kulttuuritapahtuma", "asukasyhdistys",
    "seniorikerho", "talkoopäivä", "kokoustila", "järjestökirje", "vapaaehtoistyö",
    "kirjastokahvila", "saunailta", "leiripäivä", "retkiryhmä", "harrastustoiminta",
]
VERBS = [
    "kokoontuu", "järjestää", "tarjoaa", "etsii", "tukee", "kutsuu", "kertoo", "auttaa",
    "kokoontuvat", "järjestävät", "tarjoavat", "etsivät", "tukevat", "kutsuvat", "hakee",
    "ilmoittaa", "suunnittelee", "toivottaa", "lainaa", "kehittää",
]
ADJECTIVES = [
    "uusi", "avoin", "maksuton", "pieni", "suuri", "yhteinen", "paikallinen", "aktiivinen",
    "iloinen", "rauhallinen", "esteetön", "kaunis", "lämmin", "tuttu", "vapaamuotoinen",
    "uuden", "avoimen", "maksuttoman", "yhteisen", "paikallisen", "esteettömän", "lämpimän",
]
ADVERBS = [
    "yhdessä", "keväällä", "syksyllä", "kesällä", "talvella", "viikoittain", "kuukausittain",
    "mielellään", "aina", "usein", "joskus", "taas", "myös", "vielä", "nyt",
]
PLACES = [
    "Ylöjärvellä", "Kurussa", "Viljakkalassa", "Metsäkylässä", "Asuntilassa", "Siltatiellä",
    "Julkujärvellä", "Keskustassa", "Mutalassa", "Soppeenmäessä",
]
TOPICS = [
    "avustukset", "vapaaehtoistyö", "tilat", "foorumit", "järjestökirje", "yhteistyö",
    "liikunta", "kulttuuri", "nuoret", "seniorit", "perheet", "kylätoiminta", "ympäristö",
    "koulutus", "terveys", "talkoot", "tapahtumat", "kirjastot", "retket", "leirit",
    "musiikki", "teatteri", "käsityöt", "luonto", "urheilu", "harrastukset", "kerhot",
    "saunat", "kahvilat", "tiedotteet", "kokoukset", "jäsenyys", "hallitus", "talous",
    "viestintä", "turvallisuus", "esteettömyys", "vertaistuki", "omaishoito", "maahanmuuttajat",
    "ystävätoiminta", "ruoka-apu", "kierrätys", "puutarhat", "kalastus", "hiihto",
    "uinti", "melonta", "kuorot", "tanssi", "kuvataide", "valokuvaus", "shakki", "lukupiirit",
    "historia", "kotiseutu", "eläimet", "liikenne", "asuminen", "energia",
]
SECTION_NAMES = [
    ("ohjeet", "Ohjeet järjestöille"), ("tapahtumat", "Tapahtumat"), ("tilat", "Tilat ja välineet"),
    ("avustukset", "Avustukset"), ("vapaaehtoistyo", "Vapaaehtoistyö"), ("foorumit", "Foorumit"),
    ("koulutukset", "Koulutukset"), ("kylat", "Kylät ja alueet"), ("nuoret", "Nuoret"),
    ("seniorit", "Seniorit"), ("kulttuuri", "Kulttuuri"), ("liikunta", "Liikunta"),
]
CATEGORIES = [
    "seniorit", "sosiaali-ja-terveys", "harrastukset", "asukas-kyla-ja-vanhempainyhdistykset",
    "muut-toimijat",
]
AREAS = [
    "keskusta", "asuntila", "itainen-ylojarvi", "lounainen-ylojarvi", "julkujarvi", "metsakyla",
    "siltatien-alue", "ylojarven-taajaman-lahikylat", "keski-ylojarvi", "viljakkala", "kuru",
    "pohjoinen-ylojarvi",
]
TARGET_GROUPS = ["perheet", "lapset", "nuoret", "aikuiset", "ikäihmiset", "maahanmuuttajat"]
ORG_FIRST = [
    "Kurun", "Viljakkalan", "Asuntilan", "Metsäkylän", "Julkujärven", "Siltatien", "Ylöjärven",
    "Keskustan", "Mutalan", "Pohjoisen", "Lounaisen", "Itäisen", "Kirsikkakummun", "Lumikellon",
    "Kuusikon", "Kivikkokorven", "Pihlajan", "Koivikon", "Rantakylän", "Mäkelän",
]
ORG_SECOND = [
    "kyläyhdistys", "liikuntaseura", "seniorikerho", "asukasyhdistys", "kuoro", "teatteri",
    "melojat", "hiihtäjät", "shakkikerho", "lukupiiri", "kahvila", "ystäväpiiri", "naapuriapu",
    "vanhemmat", "kotiseutuyhdistys", "partiolaiset", "eläkeläiset", "kalastajat", "tanssijat",
    "käsityöpiiri",
]
TASKS = [
    "Kahvinkeitto kerhoaamuina", "Kyytiapu tapahtumiin", "Juttuseurana oleminen",
    "Avustaminen retkillä", "Talkoisiin osallistuminen", "Tiedottaminen somessa",
]

# Finnish letter folding for slugs, as kumppani's `slugify` does (ä→a, ö→o, å→a).
FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a"})


def slug(text: str) -> str:
    out, dash = [], False
    for ch in text.translate(FOLD).lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def ytunnus(rng: random.Random, used: set[str]) -> str:
    """A Finnish business id with a valid check digit (weights 7,9,10,5,8,4,2 mod 11), not in
    `used` (kumppani rejects two profiles with the same id)."""
    while True:
        digits = "99" + f"{rng.randrange(100000):05d}"
        total = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2)))
        rest = total % 11
        if rest == 1 or digits in used:
            continue
        used.add(digits)
        return f"{digits}-{0 if rest == 0 else 11 - rest}"


@dataclass
class Page:
    section: str  # folder under content/ ("" never: every page lives in a section)
    stem: str
    title: str
    description: str
    date: str
    tags: list[str]
    org: dict | None = None
    links: list[int] = field(default_factory=list)
    body: str = ""

    @property
    def content_path(self) -> str:
        return f"{self.section}/{self.stem}.md"

    @property
    def url_path(self) -> str:
        return f"/{self.section}/{slug(self.stem)}/"


class Text:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def noun(self) -> str:
        forms = self.rng.choice(NOUNS)
        return self.rng.choice(forms)

    def sentence(self) -> str:
        r = self.rng
        words = [r.choice(ADJECTIVES), r.choice(NOUNS)[0] if r.random() < 0.5 else r.choice(COMPOUNDS),
                 r.choice(VERBS)]
        for _ in range(r.randrange(3, 9)):
            pick = r.random()
            if pick < 0.55:
                words.append(self.noun())
            elif pick < 0.7:
                words.append(r.choice(ADVERBS))
            elif pick < 0.8:
                words.append(r.choice(COMPOUNDS))
            elif pick < 0.9:
                words.append(r.choice(ADJECTIVES))
            else:
                words.append(r.choice(PLACES))
        s = " ".join(words)
        return s[0].upper() + s[1:] + r.choice([".", ".", ".", "!", "?"])

    def paragraph(self, n: int | None = None) -> str:
        return " ".join(self.sentence() for _ in range(n or self.rng.randrange(3, 7)))

    def title(self) -> str:
        r = self.rng
        t = f"{r.choice(ADJECTIVES)} {r.choice(COMPOUNDS + [n[0] for n in NOUNS])} {r.choice(PLACES)}"
        return t[0].upper() + t[1:]


def plan(pages: int, rng: random.Random) -> tuple[list[Page], list[tuple[str, str]]]:
    """Decides every page's place, title and tags first, so links only point at real pages."""
    text = Text(rng)
    n_orgs = max(26, pages // 20)
    n_news = max(10, pages // 10)
    rest = pages - n_orgs - n_news
    per_section = 1000
    n_sections = max(1, -(-rest // per_section))
    sections = [("jarjestot", "Järjestöhakemisto"), ("uutiset", "Uutiset")]
    for i in range(n_sections):
        base, name = SECTION_NAMES[i % len(SECTION_NAMES)]
        k = i // len(SECTION_NAMES)
        sections.append((base if k == 0 else f"{base}-{k + 1}", name if k == 0 else f"{name} {k + 1}"))
    out: list[Page] = []
    seen: set[str] = set()

    def unique_stem(title: str) -> str:
        base = slug(title)[:60].strip("-")
        stem, n = base, 2
        while stem in seen:
            stem, n = f"{base}-{n}", n + 1
        seen.add(stem)
        return stem

    def date(i: int) -> str:
        return f"{2020 + i % 7}-{1 + (i * 7) % 12:02d}-{1 + (i * 13) % 28:02d}"

    names: set = set()
    business_ids: set[str] = set()
    for i in range(n_orgs):
        name = f"{rng.choice(ORG_FIRST)} {rng.choice(ORG_SECOND)}"
        # Profiles must have unique names (the directory refuses duplicates).
        base_name, k = name, 2
        while name in names:
            name, k = f"{base_name} {k}", k + 1
        names.add(name)
        stem = unique_stem(name)
        if stem != slug(name)[:60].strip("-"):
            # kumppani rejects two profiles with the same name: "Asuntilan melojat 2".
            name = f"{name} {stem.rsplit('-', 1)[1]}"
        wanted = rng.random() < 0.4
        org = {
            "category": CATEGORIES[i % len(CATEGORIES)],
            "areas": sorted(set(rng.sample(AREAS, rng.randrange(1, 3))), key=AREAS.index),
            "email": f"{stem}@example.fi",
            "phone": f"010 {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}",
            "website": f"https://{stem}.example.fi/",
            "address": f"{rng.choice(['Pihlajapolku', 'Koivukuja', 'Kirkkotie', 'Rantatie'])} {rng.randrange(1, 40)}, 33470 Ylöjärvi",
            "meeting_place": f"{text.noun().capitalize()} {rng.choice(PLACES)}",
            "target_groups": sorted(set(rng.sample(TARGET_GROUPS, rng.randrange(1, 4))), key=TARGET_GROUPS.index),
            "languages": ["suomi"] if rng.random() < 0.8 else ["suomi", "englanti"],
            "accessibility": text.sentence(),
            "volunteers_wanted": wanted,
            "founded": 1950 + rng.randrange(75),
            "verified": f"2026-{1 + rng.randrange(9):02d}-{1 + rng.randrange(28):02d}",
        }
        if wanted:
            org["volunteer_tasks"] = rng.sample(TASKS, 2)
        if rng.random() < 0.5:
            org["business_id"] = ytunnus(rng, business_ids)
        out.append(Page("jarjestot", stem, name, text.sentence(), date(i), [], org))
    for i in range(n_news):
        title = text.title()
        out.append(Page("uutiset", unique_stem(title), title, text.sentence(), date(i + 3), []))
    for i in range(rest):
        title = text.title()
        section = sections[2 + i // per_section][0]
        out.append(Page(section, unique_stem(title), title, text.sentence(), date(i + 5), []))
    for p in out:
        p.tags = sorted(set(rng.sample(TOPICS, rng.randrange(1, 4))), key=TOPICS.index)
        p.links = [rng.randrange(len(out)) for _ in range(rng.randrange(1, 4))]
    return out, sections


def body(p: Page, rng: random.Random, link: "callable") -> str:
    """Markdown body: headings, paragraphs, a list or a table now and then, links to other pages."""
    text = Text(rng)
    parts = [text.paragraph()]
    links = list(p.links)
    for h in range(rng.randrange(2, 5)):
        parts.append(f"## {text.title()}")
        parts.append(text.paragraph())
        if links:
            target = links.pop()
            parts.append(f"Lue myös [{text.noun()} ja {text.noun()}]({link(target)}). {text.sentence()}")
        kind = rng.random()
        if kind < 0.3:
            parts.append("\n".join(f"- {text.sentence()}" for _ in range(rng.randrange(3, 6))))
        elif kind < 0.45:
            rows = ["| Päivä | Paikka | Aihe |", "|---|---|---|"]
            for _ in range(rng.randrange(2, 5)):
                rows.append(f"| {rng.randrange(1, 29)}.{rng.randrange(1, 13)}. | {rng.choice(PLACES)} | {text.noun()} |")
            parts.append("\n".join(rows))
        elif kind < 0.55:
            parts.append("\n".join(f"{n + 1}. {text.sentence()}" for n in range(rng.randrange(2, 5))))
        if rng.random() < 0.5:
            parts.append(f"**{text.noun().capitalize()}:** {text.paragraph(2)}")
    return "\n\n".join(parts) + "\n"


# About 8 KB of Markdown per page with `--heavy`: the text-heavy site the memory target is for.
HEAVY_BYTES = 7100


def heavy_body(p: Page, rng: random.Random, link: "callable") -> str:
    """A long article: the usual opening, then sections of paragraphs, lists, a table now and
    then, `@/` links to other pages and an external link, until about `HEAVY_BYTES`."""
    text = Text(rng)
    parts = [text.paragraph(), text.paragraph()]
    size = sum(len(x.encode()) for x in parts)
    links = list(p.links) + [rng.randrange(p.links[0] + 1) for _ in range(3)]
    while size < HEAVY_BYTES:
        chunk = [f"## {text.title()}", text.paragraph()]
        if rng.random() < 0.4:
            chunk.append(f"### {text.title()}")
        chunk.append(text.paragraph())
        if links and rng.random() < 0.7:
            target = links.pop()
            chunk.append(f"Lue myös [{text.noun()} ja {text.noun()}]({link(target)}). {text.sentence()}")
        if rng.random() < 0.2:
            chunk.append(f"Lisätietoja: [{text.noun()}](https://www.example.fi/{slug(text.noun())}/). {text.sentence()}")
        kind = rng.random()
        if kind < 0.35:
            chunk.append("\n".join(f"- {text.sentence()}" for _ in range(rng.randrange(3, 7))))
        elif kind < 0.45:
            rows = ["| Päivä | Paikka | Aihe |", "|---|---|---|"]
            for _ in range(rng.randrange(2, 6)):
                rows.append(f"| {rng.randrange(1, 29)}.{rng.randrange(1, 13)}. | {rng.choice(PLACES)} | {text.noun()} |")
            chunk.append("\n".join(rows))
        elif kind < 0.6:
            chunk.append("\n".join(f"{n + 1}. {text.sentence()}" for n in range(rng.randrange(2, 6))))
        if rng.random() < 0.4:
            chunk.append(f"**{text.noun().capitalize()}:** {text.paragraph(2)} *{text.sentence()}*")
        parts += chunk
        size += sum(len(x.encode()) + 2 for x in chunk)
    return "\n\n".join(parts) + "\n"


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return toml_str(v)


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def kumppani_page(p: Page) -> str:
    fm = [f"title = {toml_str(p.title)}", f"description = {toml_str(p.description)}", f"date = {toml_str(p.date)}"]
    fm += ["", "[taxonomies]", f"aiheet = {toml_value(p.tags)}"]
    if p.org:
        fm += ["", "[organisation]"] + [f"{k} = {toml_value(v)}" for k, v in p.org.items()]
    return "+++\n" + "\n".join(fm) + "\n+++\n\n" + p.body


def hugo_page(p: Page) -> str:
    fm = [f"title = {toml_str(p.title)}", f"description = {toml_str(p.description)}", f"date = {p.date}"]
    fm.append(f"aiheet = {toml_value(p.tags)}")
    if p.org:
        fm += ["", "[params.organisation]"] + [f"{k} = {toml_value(v)}" for k, v in p.org.items()]
    return "+++\n" + "\n".join(fm) + "\n+++\n\n" + p.body


KUMPPANI_CONFIG_EXTRA = """
[extra]
organisation_name = "Ylöjärven kaupunki"
contact_title = "Järjestö- ja vapaaehtoistyön koordinaattori"
contact_email = "jarjestot@example.fi"
contact_phone = "010 123 4567"
city_url = "https://www.ylojarvi.fi/"
news_section = "uutiset/_index.md"
accessibility_statement = "@/saavutettavuusseloste.md"
privacy_statement = "@/tietosuoja.md"
"""


def kumppani_config(hub_config: str) -> str:
    """The hub's own config.toml, so categories and areas match what profiles are checked against."""
    head = hub_config.split("\n[extra]")[0]
    return head.rstrip() + "\n" + KUMPPANI_CONFIG_EXTRA


HUGO_CONFIG = """baseURL = "https://www.ylojarvi.fi/jarjestot/"
languageCode = "fi"
defaultContentLanguage = "fi"
title = "Järjestöt ja vapaaehtoistyö – Ylöjärvi"
disableKinds = ["RSS"]
enableRobotsTXT = true

[taxonomies]
aihe = "aiheet"

[markup.goldmark.renderer]
unsafe = true

[markup.tableOfContents]
startLevel = 2
endLevel = 3

[params]
description = "Ylöjärven kaupungin sivusto järjestöille, vapaaehtoisille ja asukkaille."
"""

# A minimal layout set doing what kumppani's theme does: header, nav, breadcrumbs, footer; page with
# TOC, tags and prev/next; section listing its pages; taxonomy and term lists; home with news.
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="fi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} – {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#main">Siirry sisältöön</a>
<header class="site-header"><div class="wrap"><a class="site-title" href="{{ "" | relURL }}">{{ site.Title }}</a>
<form role="search" action="{{ "haku/" | relURL }}"><label for="q">Hae</label><input id="q" type="search" name="q"><button>Hae</button></form></div>
{{ partialCached "site-nav.html" . }}
</header>
{{ with .Parent }}<nav class="breadcrumbs" aria-label="Murupolku"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li></ol></nav>{{ end }}
<main id="main" class="wrap">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>Ylöjärven kaupunki</p><ul><li><a href="mailto:jarjestot@example.fi">jarjestot@example.fi</a></li><li><a href="{{ "sitemap.xml" | relURL }}">Sivukartta</a></li></ul></footer>
</body>
</html>
""",
    # The main menu is the same on every page, so it is rendered once (partialCached), as Hugo
    # themes do. Ranging over site.Sections inline on every page made Hugo 0.168's build quadratic
    # (10k pages: ~80 s of CPU instead of ~15 s); see RESULTS.md.
    "_partials/site-nav.html": """<nav aria-label="Päävalikko"><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>""",
    "_default/single.html": """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p class="meta">Julkaistu <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2.1.2006" }}</time></p>
{{ with .Description }}<p class="lead">{{ . }}</p>{{ end }}
{{ with .Params.organisation }}<dl class="org"><dt>Luokka</dt><dd>{{ .category }}</dd><dt>Sähköposti</dt><dd>{{ .email }}</dd><dt>Puhelin</dt><dd>{{ .phone }}</dd></dl>{{ end }}
{{ if gt (len .Fragments.Headings) 2 }}<nav class="toc"><h2>Sisällys</h2>{{ .TableOfContents }}</nav>{{ end }}
<div class="prose">{{ .Content }}</div>
{{ with .GetTerms "aiheet" }}<p class="terms"><span>Aiheet:</span> {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</p>{{ end }}
</article>
<nav class="pager">{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">Edellinen: {{ .Title }}</a>{{ end }}{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">Seuraava: {{ .Title }}</a>{{ end }}</nav>
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Description }}<p class="lead">{{ . }}</p>{{ end }}
<div class="prose">{{ .Content }}</div>
<ul class="page-list">{{ range .Pages }}
<li><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3><p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2.1.2006" }}</time></p>{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>{{ end }}
</ul>
{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul class="term-list">{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="count">({{ .Count }})</span></li>{{ end }}</ul>
{{ end }}
""",
    "_default/term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul class="page-list">{{ range .Pages }}
<li><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3><p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2.1.2006" }}</time></p>{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>{{ end }}
</ul>
{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<div class="prose">{{ .Content }}</div>
<section><h2>Uusimmat uutiset</h2><ul class="page-list">{{ range first 3 (where site.RegularPages "Section" "uutiset").ByDate.Reverse }}<li><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3></li>{{ end }}</ul></section>
<section><h2>Osiot</h2><ul class="card-list">{{ range site.Sections }}<li><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3></li>{{ end }}</ul></section>
{{ end }}
""",
}


def generate(pages: int, seed: int, out: str, hub_config: str, heavy: bool = False) -> None:
    rng = random.Random(seed)
    plan_pages, sections = plan(pages, rng)
    # Bodies in a second pass (same rng stream), with links written per engine afterwards.
    make_body = heavy_body if heavy else body
    for p in plan_pages:
        p.body = make_body(p, rng, lambda t: f"\0LINK{t}\0")
    k_root, h_root = os.path.join(out, "kumppani"), os.path.join(out, "hugo")
    for root in (k_root, h_root):
        if os.path.exists(root):
            shutil.rmtree(root)
    write(os.path.join(k_root, "config.toml"), kumppani_config(hub_config))
    write(os.path.join(h_root, "hugo.toml"), HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        write(os.path.join(h_root, "layouts", name), text)
    write(os.path.join(h_root, "static", "style.css"), "body{font-family:system-ui,sans-serif}\n")

    text = Text(random.Random(seed + 1))
    home_title = "Järjestöt ja vapaaehtoistyö Ylöjärvellä"
    home_body = text.paragraph() + "\n\n## Kenelle sivusto on tarkoitettu?\n\n" + text.paragraph() + "\n"
    write(os.path.join(k_root, "content", "_index.md"), f'+++\ntitle = "{home_title}"\n+++\n\n{home_body}')
    write(os.path.join(h_root, "content", "_index.md"), f'+++\ntitle = "{home_title}"\n+++\n\n{home_body}')
    for n, (folder, title) in enumerate(sections):
        intro = text.paragraph() + "\n"
        feed = "generate_feed = true\n" if folder == "uutiset" else ""
        write(os.path.join(k_root, "content", folder, "_index.md"),
              f"+++\ntitle = {toml_str(title)}\nweight = {10 * (n + 1)}\n{feed}+++\n\n{intro}")
        write(os.path.join(h_root, "content", folder, "_index.md"),
              f"+++\ntitle = {toml_str(title)}\nweight = {10 * (n + 1)}\n+++\n\n{intro}")
    for stem, title in (("saavutettavuusseloste", "Saavutettavuusseloste"), ("tietosuoja", "Tietosuojaseloste")):
        page = f'+++\ntitle = "{title}"\n+++\n\n{text.paragraph()}\n'
        write(os.path.join(k_root, "content", f"{stem}.md"), page)
        write(os.path.join(h_root, "content", f"{stem}.md"), page)

    def links(p: Page, relative: bool) -> str:
        parts = p.body.split("\0")
        for i in range(1, len(parts), 2):
            target = plan_pages[int(parts[i][4:])]
            parts[i] = f"../..{target.url_path}" if relative else f"@/{target.content_path}"
        return "".join(parts)

    for p in plan_pages:
        body_k, body_h = links(p, False), links(p, True)
        p.body = body_k
        write(os.path.join(k_root, "content", p.section, p.stem + ".md"), kumppani_page(p))
        p.body = body_h
        write(os.path.join(h_root, "content", p.section, p.stem + ".md"), hugo_page(p))


def parse_size(s: str) -> int:
    s = s.strip().lower()
    return int(float(s[:-1]) * 1000) if s.endswith("k") else int(s)


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", required=True, help="number of content pages: 1000, 10k, 100k")
    ap.add_argument("--out", required=True, help="output folder (gets kumppani/ and hugo/)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hub-config", default=os.path.join(here, "..", "config.toml"))
    ap.add_argument("--heavy", action="store_true",
                    help="about 8 KB of Markdown per page (100k pages: about 810 MB) instead of about 1.5 KB")
    args = ap.parse_args()
    with open(args.hub_config, encoding="utf-8") as f:
        hub_config = f.read()
    generate(parse_size(args.pages), args.seed, args.out, hub_config, args.heavy)


if __name__ == "__main__":
    main()
