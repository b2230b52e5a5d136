"""Planning rows: each row of a sheet becomes the statements it makes about one resource (found
in the graph by id, name, code or partners, or new with an id minted from its name), or the
problems that stop it, located at its row and column."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import rdflib
from rdflib import RDF, RDFS, Literal, URIRef

from ..rdf import iris
from .convert import (
    CellError,
    Index,
    parse_choice,
    parse_code,
    parse_concept,
    parse_date,
    parse_id,
    parse_integer,
    parse_language,
    parse_sdg,
    parse_year,
    split_values,
)
from .mapping import Column, Mapping, MappingError, kinds, load_mapping
from .schema import Schema, expand
from .tables import Sheet

SLUG_LENGTH = 60


@dataclass
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file] + ([f"row {self.row}"] if self.row else []) + ([f"column {self.column}"] if self.column else [])
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Statement:
    column: str | None
    predicate: URIRef
    values: list
    selector: Callable[[object], bool]


@dataclass
class RowPlan:
    number: int
    subject: URIRef
    new: bool
    label: str
    statements: list[Statement] = field(default_factory=list)


# -- planning rows ----------------------------------------------------------------------------

class Planner:
    def __init__(self, sheet: Sheet, mapping: Mapping, schema: Schema, union: rdflib.Graph, base: str):
        self.sheet, self.mapping, self.schema, self.union, self.base = sheet, mapping, schema, union, base
        self.index = Index(union, schema, base)
        self.kind_label = schema.label(mapping.cls, "en")
        self.classes = schema.subclasses(mapping.cls)
        self.subject_rows: dict[URIRef, int] = {}

    def problem(self, row: int | None, column: str | None, message: str) -> Problem:
        return Problem(self.sheet.name, row, column, message)

    def header_problems(self) -> list[Problem]:
        problems = []
        names = self.mapping.names
        seen = set()
        for name in self.sheet.header:
            if not name:
                continue
            if name in seen:
                problems.append(self.problem(1, name, "the column appears twice in the header row"))
            seen.add(name)
            if name not in names:
                problems.append(self.problem(1, name, f"not a column of the {self.mapping.sheet} template; its columns are: "
                                                      + ", ".join(names)))
        return problems

    def missing_columns(self, plans: list[RowPlan]) -> list[Problem]:
        new_rows = [str(p.number) for p in plans if p.new]
        if not new_rows:
            return []
        return [self.problem(1, c.name, f"the sheet has no {c.name} column, and a new {self.kind_label} needs it "
                                        f"(row(s) {', '.join(new_rows)} add new ones)")
                for c in self.mapping.columns if c.needs_column and c.name not in self.sheet.header]

    def plan(self, number: int, cells: dict[str, str]) -> tuple[RowPlan | None, list[Problem]]:
        problems: list[Problem] = []
        values: dict[str, list] = {}
        mapping = self.mapping
        for column in mapping.columns:
            if column.type in ("id", "text", "class", "language"):
                continue
            terms = []
            for part in split_values(cells.get(column.name, ""), column):
                try:
                    terms.append(self.parse(part, column))
                except CellError as err:
                    problems.append(self.problem(number, column.name, str(err)))
            values[column.name] = list(dict.fromkeys(terms))
        texts = {c.name: cells.get(c.name, "").strip() for c in mapping.columns if c.type == "text"}
        languages = {}
        for column in mapping.columns:
            if column.type == "language":
                text = cells.get(column.name, "").strip() or (column.default or "")
                try:
                    languages[column.name] = parse_language(text, column) if text else None
                except CellError as err:
                    problems.append(self.problem(number, column.name, str(err)))
        if problems:
            return None, problems

        subject, new, problem = self.subject(number, cells, values, texts)
        if problem:
            return None, [problem]
        # Fallbacks and defaults fill only what the resource does not have yet.
        for column in mapping.columns:
            if column.type != "text" or texts[column.name]:
                continue
            if not new and any(self._selector(column, languages)(o) for o in self.union.objects(subject, column.prop)):
                continue
            for other in column.fallback:
                if texts.get(other):
                    texts[column.name] = texts[other]
                    break
            if not texts[column.name] and column.default:
                texts[column.name] = self.render(column.default, values, texts, f"label:{column.language or 'en'}")

        plan = RowPlan(number, subject, new, "")
        for column in mapping.columns:
            if column.type in ("id", "language"):
                continue
            selector = self._selector(column, languages)
            if column.type == "text":
                if texts[column.name]:
                    lang = column.language or languages.get(column.language_column or "")
                    plan.statements.append(Statement(column.name, column.prop,
                                                     [Literal(texts[column.name], lang=lang)], selector))
            elif column.type == "class":
                cls = self.class_of(column, cells, values, new)
                if isinstance(cls, Problem):
                    cls.row = number
                    problems.append(cls)
                elif cls is not None:
                    plan.statements.append(Statement(column.name, RDF.type, [cls], selector))
            elif values.get(column.name):
                plan.statements.append(Statement(column.name, column.prop, values[column.name], selector))
        if new and not any(c.type == "class" for c in mapping.columns):
            plan.statements.append(Statement(None, RDF.type, [mapping.cls], lambda o: o in self.classes))
        problems.extend(self.required(plan, languages))
        label = next((str(v) for s in plan.statements if s.predicate == RDFS.label for v in s.values), "")
        plan.label = label or self.index.label(subject, "en")
        names = [str(v) for s in plan.statements if s.predicate in (RDFS.label, rdflib.DCTERMS.title) for v in s.values]
        names += [t for t in texts.values() if t]
        labels = {v.language: str(v) for s in plan.statements if s.predicate == RDFS.label for v in s.values}
        types = [v for s in plan.statements if s.predicate == RDF.type for v in s.values] or [mapping.cls]
        self.index.add(subject, types, names, labels)
        self.subject_rows[subject] = number
        return plan, problems

    def parse(self, text: str, column: Column):
        if column.type == "reference":
            found = self.index.find(text, column.refers_to)
            if len(found) == 1:
                return found[0]
            if not found:
                raise CellError(f"'{text}' is not {column.refers_text('en')} in the graph: check the spelling"
                                + self._sheet_hint(column))
            shown = "; ".join(f"{self.index.label(f, 'en')} (id {self.index.slug(f)})" for f in found)
            raise CellError(f"'{text}' names several resources: {shown}; write the id of the one you mean")
        if column.type == "concept":
            return parse_concept(text, column, self.schema)
        if column.type == "sdg":
            return parse_sdg(text, column)
        return {"year": parse_year, "date": parse_date, "integer": parse_integer, "code": parse_code}[column.type](text, column)

    def _sheet_hint(self, column: Column) -> str:
        sheets = []
        for kind in kinds():
            try:
                other = load_mapping(kind, self.schema)
            except MappingError:
                continue
            if any(other.cls in self.schema.subclasses(c) or c in self.schema.subclasses(other.cls)
                   for c in column.refers_to):
                sheets.append(other.sheet)
        if not sheets:
            return ""
        names = sheets[0] if len(sheets) == 1 else ", ".join(sheets[:-1]) + " or " + sheets[-1]
        return f", or add it first with the {names} sheet"

    def _selector(self, column: Column, languages: dict) -> Callable[[object], bool]:
        if column.type == "text" and column.language:
            return lambda o, lang=column.language: isinstance(o, Literal) and o.language == lang
        if column.type == "text":
            return lambda o: isinstance(o, Literal)
        if column.type == "class":
            return lambda o: o in self.classes
        return lambda o: True

    def render(self, template: str, values: dict, texts: dict, mode: str) -> str:
        """Fill {column} placeholders: references as labels (mode 'label:sv') or ids ('slug')."""
        def one(match: re.Match) -> str:
            name = match.group(1)
            if name in values:
                terms = values[name]
                if mode == "slug":
                    return "-".join(self.index.slug(t) for t in terms)
                return " – ".join(self.index.label(t, mode.split(":")[1]) for t in terms)
            text = texts.get(name, "")
            return iris.slugify(re.sub(r"['\u2019]", "", text)) if mode == "slug" else text
        return re.sub(r"\{([a-z_]+)\}", one, template)

    def subject(self, number: int, cells: dict, values: dict, texts: dict) -> tuple[URIRef | None, bool, Problem | None]:
        mapping = self.mapping
        ident = cells.get("id", "").strip()
        if ident:
            try:
                slug = parse_id(ident)
            except CellError as err:
                return None, False, self.problem(number, "id", str(err))
            subject = URIRef(iris.resource_iri(mapping.kind, slug, self.base))
            if self.index.exists(subject) and not self.index.is_a(subject, [mapping.cls]):
                return None, False, self.problem(number, "id",
                                                 f"'{ident}' is the id of something that is not a {self.kind_label}")
            return self._claim(number, subject, not self.index.exists(subject))
        for group in mapping.match:
            if group == ["id"] or not all(cells.get(name, "").strip() for name in group):
                continue
            candidates: set | None = None
            for name in group:
                column = mapping.column(name)
                if column.type == "reference":
                    found = set(self.index.with_objects(self.union, mapping.cls, column.prop, set(values[name])))
                else:
                    found = set(self.index.find(cells[name], [mapping.cls]))
                candidates = found if candidates is None else candidates & found
            if candidates and len(candidates) == 1:
                return self._claim(number, candidates.pop(), False)
            if candidates:
                shown = ", ".join(self.index.slug(c) for c in sorted(candidates, key=str))
                return None, False, self.problem(number, group[0], f"matches several {self.kind_label}s in the graph ({shown}); "
                                                                   "write the id of the one you mean in the id column")
        slug = self.render(mapping.slug, values, texts, "slug")
        if not slug:
            names = [c.name for c in mapping.columns if c.type == "text" and c.prop == RDFS.label]
            return None, False, self.problem(number, names[0] if names else None,
                                             f"a new {self.kind_label} needs a name to make its id from")
        slug = shorten(iris.slugify(slug))
        subject = URIRef(iris.resource_iri(mapping.kind, slug, self.base))
        if self.index.exists(subject) and not self.index.is_a(subject, [mapping.cls]):
            return None, False, self.problem(number, "id", f"the id {slug} made from the name is taken by something that is not "
                                                           f"a {self.kind_label}; give this row an id of its own")
        return self._claim(number, subject, not self.index.exists(subject))

    def _claim(self, number: int, subject: URIRef, new: bool):
        if subject in self.subject_rows:
            other = self.subject_rows[subject]
            return None, False, self.problem(number, None, f"describes the same {self.kind_label} as row {other} "
                                                           f"({self.index.slug(subject)}); merge the two rows")
        return subject, new, None

    def class_of(self, column: Column, cells: dict, values: dict, new: bool):
        text = cells.get(column.name, "").strip()
        if text:
            try:
                return parse_choice(text, column)
            except CellError as err:
                return self.problem(None, column.name, str(err))
        if not new:
            return None
        if column.by_count:
            count = len(values.get(column.by_count["column"], []))
            return expand(column.by_count.get(str(count), column.by_count["other"]))
        return expand(column.default) if column.default else self.mapping.cls

    def required(self, plan: RowPlan, languages: dict) -> list[Problem]:
        problems = []
        stated = {s.column: s for s in plan.statements}
        for column in self.mapping.columns:
            if column.min_count < 1 or column.type in ("class", "id", "language"):
                continue
            statement = stated.get(column.name)
            count = len(statement.values) if statement else 0
            if count == 0 and not plan.new:
                selector = self._selector(column, languages)
                if any(selector(o) for o in self.union.objects(plan.subject, column.prop)):
                    continue
            if count < column.min_count:
                what = column.what_en.split(". ")[0].rstrip(".")
                need = "a value here" if column.min_count == 1 else f"at least {column.min_count} values here"
                gives = "" if count == 0 else f"; this row gives {count}"
                problems.append(self.problem(plan.number, column.name,
                                             f"{'empty, but ' if count == 0 else ''}every {self.kind_label} needs {need}"
                                             f"{gives} ({what[:1].lower() + what[1:]})"))
        return problems


def shorten(slug: str) -> str:
    if len(slug) <= SLUG_LENGTH:
        return slug
    cut = slug[:SLUG_LENGTH]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut
