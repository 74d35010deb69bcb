"""Local authority areas by name as well as ONS code: staff know "Amber Valley", not
E07000032. Names come from the place-name file (the name most of its places give a code)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


def load_area_names(path: Path) -> dict[str, str]:
    """Area names by code from the place-name file; empty if it lacks the two columns.

    Each code takes the name most of its rows give (the first such, in a tie). Read with the
    csv module: at every start, and a server need not load pandas.
    """
    if not path.is_file():
        return {}
    counts: dict[str, Counter[str]] = {}
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        if not {"local_authority", "local_authority_code"} <= set(reader.fieldnames or ()):
            return {}
        for row in reader:
            code, name = row["local_authority_code"], row["local_authority"]
            if code and name:
                counts.setdefault(code, Counter())[name] += 1
    return {code: names.most_common(1)[0][0] for code, names in sorted(counts.items())}


@dataclass(frozen=True)
class Areas:
    """The areas staff may be given, with their names."""

    names: Mapping[str, str] = field(default_factory=dict)

    def label(self, code: str | None) -> str:
        """ "Derbyshire Dales (E07000035)", or the code alone when it has no name."""
        if not code:
            return "not known"
        name = self.names.get(code)
        return f"{name} ({code})" if name else code

    def name(self, code: str | None) -> str:
        """ "Derbyshire Dales": the name alone, where staff read an area in a sentence (the
        code only when it has no name)."""
        if not code:
            return "an area we don't know"
        return self.names.get(code) or code

    def choices(self, codes: Iterable[str]) -> list[tuple[str, str]]:
        """(code, label) for each code, by name."""
        return sorted(((c, self.label(c)) for c in set(codes)), key=lambda pair: pair[1].lower())

    def parse(self, given: Iterable[str], known: Iterable[str]) -> frozenset[str]:
        """Codes from what staff chose or typed: codes (any case) or names, comma-separated.

        An area we don't know is a `ValueError` that lists the ones we do.
        """
        known_codes = frozenset(known)
        by_name = {name.lower(): code for code, name in self.names.items() if code in known_codes}
        codes: set[str] = set()
        for item in given:
            for part in item.split(","):
                text = part.strip()
                if not text:
                    continue
                code = text.upper() if text.upper() in known_codes else by_name.get(text.lower())
                if code is None:
                    listed = "; ".join(label for _, label in self.choices(known_codes))
                    raise ValueError(
                        f'We don\'t know the area "{text[:60]}". Choose from: {listed}.'
                    )
                codes.add(code)
        return frozenset(codes)
