"""Build the labelled cross-script name pair set from hand-written public facts.

    python bench/names/build_pairs.py [--people people.csv] [--hard hard_pairs.csv]
                                      [--out pairs.csv]

Inputs (both beside this file, written by hand from public facts):

* ``people.csv`` (``han,published,system,region,note``): one public figure per Han
  name, one published romanised form per row. A row with system ``han`` gives the
  same name in the other script (traditional for a simplified name or back).
* ``hard_pairs.csv`` (``han_a,han_b,category,note``): real relatives (``sibling``)
  and hand-picked different people whose names sound alike (``near_homophone``).

Output ``pairs.csv`` (``left,right,label,system,category``):

* positives (label 1, category ``positive``): each Han form against each published
  form (system = the form's system); two published forms of the same person
  (system ``cross:<a>+<b>``, systems sorted; ``a`` may equal ``b`` for two layouts
  of one system); simplified against traditional (system ``han``).
* hard negatives (label 0), each pair of people in the first category that fits:
  the hand-picked category from hard_pairs.csv; ``contained`` (one person's name
  is part of another's: 陈云 / 陈云林, "Chiang Ching" / "Chiang Ching-kuo");
  ``sibling`` (two different people with the same surname sharing a given-name
  character, besides the real relatives); ``near_homophone`` (forms in one system
  within edit distance 1: "Ye Jianying" / "Ye Jianming"); ``shared_surname``
  (all other pairs of people with the same surname, sampled per surname).
* ``unrelated`` negatives: random pairs of people with different surnames (fixed
  seed), as many as there are positives.

Negatives that no name-only matcher could get right are left out: a namesake (same
Han name), two identical romanised forms, and a Han name against a romanised form
that spells that very Han name (王毅 against the "Wang Yi" of 王怡; 李嘉誠 against
the "Lee Ka-shing" of 李家誠). Readings for that check come from the published
forms in people.csv plus pypinyin's pinyin and Wade-Giles readings. Forms of system
``western_short`` (a Western given name and the surname only: "Jack Ma") never
appear in hard negatives, since they fit every person with that surname.

The output is deterministic: the same inputs always give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).parent
PEOPLE = HERE / "people.csv"
HARD = HERE / "hard_pairs.csv"
OUT = HERE / "pairs.csv"
SEED = 20240611

SYSTEMS = frozenset(
    {
        "pinyin",
        "wade_giles",
        "hk_cantonese",
        "macau",
        "cantonese",
        "hokkien",
        "teochew",
        "hakka",
        "foochow",
        "sg_my",
        "western",
        "western_short",
        "han",
    }
)
"""Systems a people.csv row may name (``han``: the name in the other Han script)."""

CATEGORIES = (
    "positive",
    "sibling",
    "contained",
    "near_homophone",
    "shared_surname",
    "unrelated",
)
HARD_CATEGORIES = frozenset({"sibling", "contained", "near_homophone", "shared_surname"})
COMPOUND_SURNAMES = frozenset(
    {"欧阳", "歐陽", "司马", "司馬", "司徒", "上官", "诸葛", "諸葛", "东方", "東方"}
)
SHARED_SURNAME_PAIRS_PER_GROUP = 30
"""Cap on person pairs sampled from one surname group (陈/陳 alone has dozens)."""

HEADER = ("left", "right", "label", "system", "category")
_TOKEN = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Form:
    """One published romanised form of a person's name."""

    text: str
    system: str


@dataclass
class Person:
    """One public figure: Han name(s) and published forms, in file order."""

    han: str
    region: str
    note: str
    alt_han: str | None = None
    forms: list[Form] = field(default_factory=list)

    @property
    def hans(self) -> list[str]:
        """The Han name in the script the person uses, then in the other script."""
        return [self.han] + ([self.alt_han] if self.alt_han else [])


@dataclass(frozen=True)
class Pair:
    """One labelled pair of names."""

    left: str
    right: str
    label: int
    system: str
    category: str

    def row(self) -> tuple[str, str, str, str, str]:
        """The CSV row."""
        return (self.left, self.right, str(self.label), self.system, self.category)


# ---------------------------------------------------------------------------
# Reading the inputs


def load_people(path: Path = PEOPLE) -> list[Person]:
    """People in file order; rows of one person must be consecutive or not, either works."""
    people: dict[str, Person] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            han, text, system = row["han"].strip(), row["published"].strip(), row["system"]
            if system not in SYSTEMS:
                raise ValueError(f"{path}: unknown system {system!r} for {han}")
            person = people.setdefault(han, Person(han, row["region"], row["note"]))
            if system == "han":
                if len(text) != len(han):
                    raise ValueError(f"{path}: {han}/{text}: scripts differ in length")
                person.alt_han = text
            else:
                person.forms.append(Form(text, system))
    return list(people.values())


def load_hard(path: Path = HARD) -> list[tuple[str, str, str]]:
    """(han_a, han_b, category) rows of the hand-written hard pairs."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [(r["han_a"], r["han_b"], r["category"]) for r in csv.DictReader(fh)]


# ---------------------------------------------------------------------------
# Han characters: one canonical character per simplified/traditional class


def char_classes(people: Sequence[Person]) -> dict[str, str]:
    """Map each Han character to one representative of its script-variant class.

    Classes come from aligning each name with its other-script form (陳/陈, 劉/刘);
    no converter is involved, so the result depends only on people.csv.
    """
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for person in people:
        for ch in person.han:
            find(ch)
        if person.alt_han:
            for a, b in zip(person.han, person.alt_han, strict=True):
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return {c: find(c) for c in parent}


def canon(han: str, classes: dict[str, str]) -> str:
    """The Han name with each character replaced by its class representative."""
    return "".join(classes.get(c, c) for c in han)


def split_han(han: str) -> tuple[str, str]:
    """(surname, given) of a Han name; two-character surnames from a fixed list."""
    if han[:2] in COMPOUND_SURNAMES:
        return han[:2], han[2:]
    return han[:1], han[1:]


# ---------------------------------------------------------------------------
# Romanised forms: tokens, comparison keys, readings


def tokens(text: str) -> list[str]:
    """Lower-case ASCII letter runs of a romanised name (accents dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _TOKEN.findall(ascii_text.lower())


def sorted_key(text: str) -> str:
    """Order-free key: two forms with the same key spell the same tokens."""
    return " ".join(sorted(tokens(text)))


def flat(text: str) -> str:
    """All letters of the form, in order, without separators."""
    return "".join(tokens(text))


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion or substitution."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def _family_last(form: Form, person: Person) -> bool:
    """True when the form puts the surname last ("Jinping Xi", "Yuan T. Lee")."""
    toks = tokens(form.text)
    if len(toks) < 2:
        return False
    firsts = {tokens(f.text)[0] for f in person.forms if f is not form and tokens(f.text)}
    return toks[-1] in firsts and toks[0] not in firsts


class Readings:
    """Readings of each Han character (class representative) seen in any system.

    Built from the published forms whose token count equals the name's character
    count, plus pypinyin's pinyin and Wade-Giles readings (heteronyms included).
    Used only to drop negatives whose romanised side spells the Han side.
    """

    def __init__(self, people: Sequence[Person], classes: dict[str, str]) -> None:
        self.classes = classes
        self.table: dict[str, set[str]] = {}
        for person in people:
            chars = canon(person.han, classes)
            for form in person.forms:
                toks = tokens(form.text)
                if len(toks) != len(chars):
                    continue
                if _family_last(form, person):
                    toks = toks[-1:] + toks[:-1]
                for ch, tok in zip(chars, toks, strict=True):
                    self.table.setdefault(ch, set()).add(tok)
        self._add_pypinyin({canon(h, classes) for p in people for h in p.hans})

    def _add_pypinyin(self, names: Iterable[str]) -> None:
        from pypinyin import Style, pinyin

        for name in sorted(names):
            for style in (Style.NORMAL, Style.WADEGILES):
                for ch, readings in zip(name, pinyin(name, style=style), strict=True):
                    for reading in readings:
                        plain = reading.replace("'", "").replace("ü", "u")
                        for variant in {plain, plain.replace("v", "u"), plain.replace("v", "yu")}:
                            self.table.setdefault(ch, set()).add("".join(tokens(variant)))

    def spellings(self, han: str) -> set[str]:
        """Every letter string the readings give for the Han text, in order."""
        out = {""}
        for ch in canon(han, self.classes):
            out = {prefix + r for prefix in out for r in self.table.get(ch, ())}
        return out

    def spells(self, han: str, text: str) -> bool:
        """True when the romanised text could be a rendering of the Han name.

        Tries surname first and surname last, and dropping one extra token (a
        Western given name); joined given names are segmented against readings.
        """
        chars = canon(han, self.classes)
        toks = tokens(text)
        candidates = [toks] + [toks[:i] + toks[i + 1 :] for i in range(len(toks))]
        for cand in candidates:
            if not cand:
                continue
            orders = (cand, cand[-1:] + cand[:-1])
            if any(self._segments(chars, "".join(order)) for order in orders):
                return True
        return False

    def _segments(self, chars: str, letters: str) -> bool:
        @cache
        def step(i: int, j: int) -> bool:
            if i == len(chars):
                return j == len(letters)
            return any(
                letters.startswith(r, j) and step(i + 1, j + len(r))
                for r in self.table.get(chars[i], ())
            )

        return step(0, 0)


# ---------------------------------------------------------------------------
# Building


class PairSet:
    """Ordered, de-duplicated pairs; the first label given to a pair wins."""

    def __init__(self) -> None:
        self.pairs: list[Pair] = []
        self._seen: dict[frozenset[str], int] = {}
        self.conflicts = 0

    def add(self, left: str, right: str, label: int, system: str, category: str) -> bool:
        """Add a pair unless it (in either order) is already present."""
        if left == right:
            return False
        key = frozenset((left, right))
        if key in self._seen:
            if self._seen[key] != label:
                self.conflicts += 1
            return False
        self._seen[key] = label
        self.pairs.append(Pair(left, right, label, system, category))
        return True

    def __len__(self) -> int:
        return len(self.pairs)


def cross_system(a: Form, b: Form) -> str:
    """System label of a pair of two published forms."""
    first, second = sorted((a.system, b.system))
    return f"cross:{first}+{second}"


class Builder:
    """Turns people and hard pairs into the labelled pair set."""

    def __init__(self, people: list[Person], hard: list[tuple[str, str, str]]) -> None:
        self.people = people
        self.classes = char_classes(people)
        self.readings = Readings(people, self.classes)
        self.rng = random.Random(SEED)
        self.out = PairSet()
        self.by_canon: dict[str, Person] = {}
        for person in people:
            key = canon(person.han, self.classes)
            if key in self.by_canon:
                raise ValueError(f"two people with the Han name {person.han}")
            self.by_canon[key] = person
        self.hard = [(self._person(a), self._person(b), cat) for a, b, cat in hard]

    def _person(self, han: str) -> Person:
        try:
            return self.by_canon[canon(han, self.classes)]
        except KeyError:
            raise ValueError(f"hard_pairs.csv names {han}, who is not in people.csv") from None

    def surname(self, person: Person) -> str:
        """Canonical surname of a person."""
        return split_han(canon(person.han, self.classes))[0]

    def given(self, person: Person) -> str:
        """Canonical given name of a person."""
        return split_han(canon(person.han, self.classes))[1]

    # -- positives ---------------------------------------------------------

    def positives(self) -> None:
        """Han against each form, form against form, simplified against traditional."""
        for person in self.people:
            if person.alt_han:
                self.out.add(person.han, person.alt_han, 1, "han", "positive")
            for form in person.forms:
                for han in person.hans:
                    self.out.add(han, form.text, 1, form.system, "positive")
            for a, b in combinations(person.forms, 2):
                self.out.add(a.text, b.text, 1, cross_system(a, b), "positive")

    # -- negatives ---------------------------------------------------------

    def eligible(self, person: Person) -> list[Form]:
        """Forms that may appear in hard negatives."""
        return [f for f in person.forms if f.system != "western_short"]

    def _han_vs_form(self, han_person: Person, form: Form, category: str) -> None:
        if self.readings.spells(han_person.han, form.text):
            return
        own = {sorted_key(f.text) for f in han_person.forms}
        if sorted_key(form.text) in own:
            return
        self.out.add(han_person.han, form.text, 0, form.system, category)

    def _form_vs_form(self, pa: Person, a: Form, pb: Person, b: Form, category: str) -> None:
        if sorted_key(a.text) == sorted_key(b.text) or flat(a.text) == flat(b.text):
            return
        if self.readings.spells(pa.han, b.text) or self.readings.spells(pb.han, a.text):
            return
        self.out.add(a.text, b.text, 0, cross_system(a, b), category)

    def negative_pair(self, a: Person, b: Person, category: str, thorough: bool) -> None:
        """Negatives between two different people.

        Thorough: Han against Han, each Han against every eligible form of the
        other, and every same-system pair of forms (or one cross-system pair when
        they share no system). Otherwise one random form on each side.
        """
        if canon(a.han, self.classes) == canon(b.han, self.classes):
            return
        self.out.add(a.han, b.han, 0, "han", category)
        forms_a, forms_b = self.eligible(a), self.eligible(b)
        if thorough:
            for form in forms_b:
                self._han_vs_form(a, form, category)
            for form in forms_a:
                self._han_vs_form(b, form, category)
            same = [(x, y) for x in forms_a for y in forms_b if x.system == y.system]
            if not same and forms_a and forms_b:
                same = [(forms_a[0], forms_b[0])]
            for x, y in same:
                self._form_vs_form(a, x, b, y, category)
            return
        if forms_b:
            self._han_vs_form(a, self.rng.choice(forms_b), category)
        if forms_a:
            self._han_vs_form(b, self.rng.choice(forms_a), category)
        same = [(x, y) for x in forms_a for y in forms_b if x.system == y.system]
        pool = same or [(x, y) for x in forms_a for y in forms_b]
        if pool:
            x, y = self.rng.choice(pool)
            self._form_vs_form(a, x, b, y, category)

    def person_pairs(self) -> dict[str, list[tuple[Person, Person]]]:
        """Pairs of different people by hard-negative category.

        Hand-picked pairs keep their category; derived pairs take the first of
        contained, sibling (same surname and a shared given-name character),
        near_homophone, shared_surname that applies.
        """
        people = self.people
        index = {id(p): i for i, p in enumerate(people)}
        taken: dict[tuple[int, int], str] = {}
        for a, b, category in self.hard:
            i, j = sorted((index[id(a)], index[id(b)]))
            taken.setdefault((i, j), category)
        derived: dict[str, set[tuple[int, int]]] = {
            "sibling": set(),
            "contained": self._contained_pairs(),
            "near_homophone": self._near_pairs(),
            "shared_surname": set(),
        }
        by_surname: dict[str, list[int]] = {}
        for i, person in enumerate(people):
            by_surname.setdefault(self.surname(person), []).append(i)
        for members in by_surname.values():
            for i, j in combinations(members, 2):
                shared = set(self.given(people[i])) & set(self.given(people[j]))
                derived["sibling" if shared else "shared_surname"].add((i, j))
        for category in ("contained", "sibling", "near_homophone", "shared_surname"):
            for key in sorted(derived[category]):
                taken.setdefault(key, category)
        result: dict[str, list[tuple[Person, Person]]] = {c: [] for c in HARD_CATEGORIES}
        for (i, j), category in sorted(taken.items()):
            result[category].append((people[i], people[j]))
        return result

    def _contained_pairs(self) -> set[tuple[int, int]]:
        """Index pairs where one person's name is a proper part of the other's.

        In Han (陈云 in 陈云林), as a proper subset of the tokens of a form in the
        same system, or as a form spelling the first characters of the longer Han
        name in the order written ("Chiang Ching" for 蔣經 of 蔣經國).
        """
        people = self.people
        found: set[tuple[int, int]] = set()
        canons = [canon(p.han, self.classes) for p in people]
        prefixes: dict[str, set[int]] = {}
        for j, person in enumerate(people):
            for k in range(2, len(person.han)):
                for spelling in self.readings.spellings(person.han[:k]):
                    prefixes.setdefault(spelling, set()).add(j)
        forms = [
            [(f.system, Counter(tokens(f.text)), flat(f.text)) for f in self.eligible(p)]
            for p in people
        ]
        for (i, ci), (j, cj) in combinations(enumerate(canons), 2):
            if ci != cj and (ci in cj or cj in ci):
                found.add((i, j))
                continue
            for sx, tx, _ in forms[i]:
                for sy, ty, _ in forms[j]:
                    if sx == sy and tx != ty and (tx <= ty or ty <= tx):
                        found.add((i, j))
        for i, person_forms in enumerate(forms):
            for _, _, letters in person_forms:
                for j in prefixes.get(letters, ()):
                    if canons[i] != canons[j]:
                        found.add((min(i, j), max(i, j)))
        return found

    def _near_pairs(self) -> set[tuple[int, int]]:
        """Index pairs with two forms in one system within edit distance 1."""
        found: set[tuple[int, int]] = set()
        by_system: dict[str, list[tuple[str, int]]] = {}
        for i, person in enumerate(self.people):
            for form in self.eligible(person):
                by_system.setdefault(form.system, []).append((flat(form.text), i))
        for entries in by_system.values():
            entries.sort(key=lambda e: (len(e[0]), e))
            for n, (x, i) in enumerate(entries):
                for y, j in entries[n + 1 :]:
                    if len(y) > len(x) + 1:
                        break
                    if i != j and edit_distance_at_most_one(x, y):
                        found.add((min(i, j), max(i, j)))
        return found

    def hard_negatives(self) -> None:
        """All hard-negative categories; shared_surname sampled per surname group."""
        groups = self.person_pairs()
        for category in ("sibling", "contained", "near_homophone"):
            for a, b in groups[category]:
                self.negative_pair(a, b, category, thorough=True)
        by_surname: dict[str, list[tuple[Person, Person]]] = {}
        for a, b in groups["shared_surname"]:
            by_surname.setdefault(self.surname(a), []).append((a, b))
        for surname in sorted(by_surname):
            pairs = by_surname[surname]
            if len(pairs) > SHARED_SURNAME_PAIRS_PER_GROUP:
                pairs = self.rng.sample(pairs, SHARED_SURNAME_PAIRS_PER_GROUP)
            for a, b in pairs:
                self.negative_pair(a, b, "shared_surname", thorough=False)

    def unrelated(self, count: int) -> None:
        """Random pairs of people with different surnames and no hard-pair link."""
        linked = {frozenset((id(a), id(b))) for a, b, _ in self.hard}
        added = 0
        attempts = 0
        while added < count and attempts < count * 50:
            attempts += 1
            a, b = self.rng.sample(self.people, 2)
            if self.surname(a) == self.surname(b) or frozenset((id(a), id(b))) in linked:
                continue
            right = self.rng.choice(b.forms)
            if self.rng.random() < 0.5:
                left_text, left_system = self.rng.choice(a.hans), None
            else:
                left_form = self.rng.choice(a.forms)
                left_text, left_system = left_form.text, left_form
            if left_system is None:
                if self.readings.spells(left_text, right.text):
                    continue
                system = right.system
            else:
                if sorted_key(left_text) == sorted_key(right.text):
                    continue
                system = cross_system(left_system, right)
            if self.out.add(left_text, right.text, 0, system, "unrelated"):
                added += 1

    def build(self) -> list[Pair]:
        """Positives, then hard negatives, then as many unrelated pairs as positives."""
        self.positives()
        n_pos = len(self.out)
        self.hard_negatives()
        self.unrelated(n_pos)
        return self.out.pairs


def build(people_path: Path = PEOPLE, hard_path: Path = HARD) -> list[Pair]:
    """The full pair list for the given inputs."""
    return Builder(load_people(people_path), load_hard(hard_path)).build()


def write_pairs(pairs: Sequence[Pair], path: Path) -> None:
    """Write pairs.csv (UTF-8, LF line ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(p.row() for p in pairs)


def summary(pairs: Sequence[Pair], detail: bool = False) -> str:
    """Counts per category, and per system and category, as printable text.

    Cross-system pairs are summed into one ``cross:*`` row unless ``detail``.
    """
    by_cat = Counter(p.category for p in pairs)
    lines = [f"{len(pairs)} pairs: " + ", ".join(f"{c} {by_cat.get(c, 0)}" for c in CATEGORIES)]
    table: dict[str, Counter[str]] = {}
    for p in pairs:
        system = p.system if detail or not p.system.startswith("cross:") else "cross:*"
        table.setdefault(system, Counter())[p.category] += 1
    width = max(len(s) for s in table) + 2
    lines.append("system".ljust(width) + "".join(f"{c[:14]:>15}" for c in CATEGORIES))
    for system in sorted(table, key=lambda s: (s.startswith("cross:"), s)):
        counts = table[system]
        lines.append(system.ljust(width) + "".join(f"{counts.get(c, 0):>15}" for c in CATEGORIES))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=Path, default=PEOPLE)
    parser.add_argument("--hard", type=Path, default=HARD)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    parser.add_argument("--detail", action="store_true", help="count each cross-system pair")
    args = parser.parse_args(argv)
    builder = Builder(load_people(args.people), load_hard(args.hard))
    pairs = builder.build()
    write_pairs(pairs, args.out)
    if not args.quiet:
        people = builder.people
        print(f"{len(people)} figures, {sum(len(p.forms) for p in people)} published forms")
        print(summary(pairs, detail=args.detail))
        if builder.out.conflicts:
            print(f"{builder.out.conflicts} negative(s) dropped: same pair already a positive")
    return 0


if __name__ == "__main__":
    sys.exit(main())
