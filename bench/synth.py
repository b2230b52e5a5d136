"""A scale generator: a synthetic graph of the same shape as the real one, of any size.

    python bench/synth.py --triples 1000000 --out bench/work/1m.nt --seed 1

The graph is grown in "blocks" of about 300 triples around one Swedish municipality: the
municipality (country, region, code), two local governments abroad, partnerships between them
(bilateral and trilateral, some with a Swedish region), projects of those partnerships (SDG
goals and some targets, start and end years as xsd:gYear, project area, topics, target groups,
participant categories, projects that build on earlier ones), a person, events with dates,
places and participants, and a membership of a network with a role; every 20 blocks a network
and every 5 an organisation. Every resource has rdfs:label @en and @sv, descriptions in both
languages where the shapes ask for them, and prov:wasDerivedFrom one of the real source
documents. Concepts (statuses, areas, topics, target groups, roles, programmes, continents), the
SDG goals and the sources are the real ones from data/concepts.ttl, data/sdg-goals.ttl and
data/sources.ttl, and by default their triples are copied into the output so that the file
stands alone (--no-concepts leaves them out).

The output conforms to ontology/shapes.ttl when validated with the ontology and those three
files. Output is written line by line (N-Triples; a .ttl file gets the same lines, which are
valid Turtle): nothing but the current resource is held in memory, and every reference to
another resource is computed from its index, so 10M triples need no 10M Python objects.
Deterministic: the same --triples and --seed give the same bytes.
"""
from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import pyoxigraph

from partnergraph.rdf.iris import slugify

BASE = "https://w3id.org/partnergraph/"
ID = BASE + "id/"
PG = BASE + "ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
ORG = "http://www.w3.org/ns/org#"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
SCHEMA_JOB = "https://schema.org/jobTitle"
XSD = "http://www.w3.org/2001/XMLSchema#"
SDG = "http://metadata.un.org/sdg/"

TRIPLES_PER_BLOCK = 300  # measured: the mean of the blocks below is close to this

SWEDISH = ["Växjö", "Vänersborg", "Herrljunga", "Skövde", "Härryda", "Ekerö", "Alvesta", "Lessebo",
           "Ljungby", "Markaryd", "Tingsryd", "Uppvidinge", "Älmhult", "Borås", "Umeå", "Luleå",
           "Malmö", "Lund", "Göteborg", "Uppsala", "Örebro", "Västerås", "Norrköping", "Linköping",
           "Jönköping", "Karlstad", "Gävle", "Sundsvall", "Östersund", "Kiruna", "Falun", "Visby",
           "Halmstad", "Kalmar", "Karlskrona", "Kristianstad", "Trollhättan", "Eskilstuna",
           "Nyköping", "Södertälje"]
REGIONS = ["Kronoberg", "Västra Götaland", "Skåne", "Stockholm", "Uppsala", "Örebro", "Västmanland",
           "Östergötland", "Jönköping", "Värmland", "Gävleborg", "Västernorrland", "Jämtland Härjedalen",
           "Norrbotten", "Västerbotten", "Dalarna", "Gotland", "Halland", "Kalmar", "Blekinge", "Sörmland"]
# (English name, Swedish name, continent concept slug)
COUNTRIES = [("Kosovo", "Kosovo", "europe"), ("Ukraine", "Ukraina", "europe"), ("South Africa", "Sydafrika", "africa"),
             ("Vietnam", "Vietnam", "asia"), ("Namibia", "Namibia", "africa"), ("Botswana", "Botswana", "africa"),
             ("Lithuania", "Litauen", "europe"), ("Georgia", "Georgien", "europe"), ("Moldova", "Moldavien", "europe"),
             ("Albania", "Albanien", "europe"), ("Kenya", "Kenya", "africa"), ("Tanzania", "Tanzania", "africa"),
             ("Uganda", "Uganda", "africa"), ("Indonesia", "Indonesien", "asia"), ("India", "Indien", "asia"),
             ("China", "Kina", "asia"), ("Mongolia", "Mongoliet", "asia"), ("Ghana", "Ghana", "africa"),
             ("Zambia", "Zambia", "africa"), ("Serbia", "Serbien", "europe")]
FOREIGN = ["Vushtrri", "Kalush", "JB Marks", "An Giang", "Omaruru", "Chobe", "Ukmergė", "Tbilisi", "Kamianets",
           "Rustavi", "Cahul", "Elbasan", "Kisumu", "Moshi", "Jinja", "Surakarta", "Nashik", "Ulaanbaatar",
           "Tamale", "Livingstone", "Niš", "Hue", "Kutaisi", "Bălți", "Durrës", "Nakuru", "Arusha", "Gulu"]
FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Per", "Sara", "Magnus", "Ida", "Nils", "Lena",
         "Olof", "Emma", "Oskar", "Linnea", "Ahmed", "Fatima", "Thabo", "Nguyen", "Olena", "Giorgi"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
        "Lindqvist", "Berg", "Lund", "Holm", "Mokoena", "Tran", "Kovalenko", "Beridze"]
THEMES = [("water management", "vattenförvaltning"), ("waste management", "avfallshantering"),
          ("sustainability education", "hållbarhetsundervisning"), ("local democracy", "lokal demokrati"),
          ("gender equality", "jämställdhet"), ("climate adaptation", "klimatanpassning"),
          ("youth participation", "ungas delaktighet"), ("e-services", "e-tjänster"),
          ("urban planning", "stadsplanering"), ("crisis preparedness", "krisberedskap"),
          ("public health", "folkhälsa"), ("social entrepreneurship", "socialt entreprenörskap"),
          ("energy efficiency", "energieffektivisering"), ("municipal archives", "kommunala arkiv"),
          ("inclusion of newcomers", "inkludering av nyanlända"), ("child rights", "barnets rättigheter")]
ORG_KINDS = [("University", "University of", "Universitetet i"), ("MunicipalCompany", "Energy company of", "Energibolaget i"),
             ("Association", "Friendship association of", "Vänortsföreningen i"), ("Fund", "Development fund of",
                                                                                   "Utvecklingsfonden i")]
NETWORK_NAMES = ["Cities for Water", "Climate Alliance of Towns", "Local Democracy Forum", "Green Cities Europe",
                 "Learning Cities Network", "Digital Municipalities"]
EVENT_KINDS = [("Visit", "Visit of {a} to {b}", "Besök från {a} i {b}"),
               ("Meeting", "Meeting of {a} and {b}", "Möte mellan {a} och {b}"),
               ("Workshop", "Workshop in {b} with {a}", "Workshop i {b} med {a}"),
               ("Signing", "Signing of the agreement of {a} and {b}", "Undertecknande av avtalet mellan {a} och {b}")]


def _lit(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class _Writer:
    def __init__(self, out: TextIO):
        self.out = out
        self.count = 0
        self._buf: list[str] = []

    def iri(self, s: str, p: str, o: str) -> None:
        self._buf.append(f"<{s}> <{p}> <{o}> .\n")

    def lang(self, s: str, p: str, text: str, tag: str) -> None:
        self._buf.append(f'<{s}> <{p}> "{_lit(text)}"@{tag} .\n')

    def typed(self, s: str, p: str, text: str, datatype: str) -> None:
        self._buf.append(f'<{s}> <{p}> "{_lit(text)}"^^<{datatype}> .\n')

    def plain(self, s: str, p: str, text: str) -> None:
        self._buf.append(f'<{s}> <{p}> "{_lit(text)}" .\n')

    def raw(self, line: str) -> None:
        self._buf.append(line)

    def labels(self, s: str, en: str, sv: str) -> None:
        self.lang(s, RDFS_LABEL, en, "en")
        self.lang(s, RDFS_LABEL, sv, "sv")

    def status_evidence(self, s: str) -> None:
        """The shapes ask every resource with a pg:status for the source's words behind it."""
        self.lang(s, PG + "statusEvidence", "Generated: the words of the source that give this status.", "en")

    def describe(self, s: str, en: str, sv: str) -> None:
        self.lang(s, DCT + "description", en, "en")
        self.lang(s, DCT + "description", sv, "sv")

    def flush(self) -> None:
        self.count += len(self._buf)
        self.out.write("".join(self._buf))
        self._buf.clear()


class Vocabulary:
    """The real concept, SDG and source IRIs (and their triples, to copy into the output)."""

    def __init__(self, data_dir: Path):
        self.files = [data_dir / "concepts.ttl", data_dir / "sdg-goals.ttl", data_dir / "sources.ttl"]
        for f in self.files:
            if not f.is_file():
                raise FileNotFoundError(f"{f}: needed for its concept and source IRIs")
        self.schemes: dict[str, list[str]] = {}
        self.sources: list[str] = []
        self.goals: list[str] = []
        self.organisations: set[str] = set()  # organisations the concept files refer to (icld, sida)
        in_scheme = pyoxigraph.NamedNode(SKOS + "inScheme")
        for f in self.files:
            for t in pyoxigraph.parse(path=str(f), format=pyoxigraph.RdfFormat.TURTLE):
                if t.predicate == in_scheme and isinstance(t.subject, pyoxigraph.NamedNode):
                    self.schemes.setdefault(t.object.value.rsplit("/", 1)[-1], []).append(t.subject.value)
                elif t.predicate.value == RDF_TYPE and t.object.value == PG + "SourceDocument":
                    self.sources.append(t.subject.value)
                elif t.predicate.value == PG + "sdgNumber":
                    self.goals.append(t.subject.value)
                if isinstance(t.object, pyoxigraph.NamedNode) and t.object.value.startswith(ID + "organisation/"):
                    self.organisations.add(t.object.value)
        for key in self.schemes:
            self.schemes[key] = sorted(set(self.schemes[key]))
        self.sources.sort()
        self.goals.sort(key=lambda g: int(g.rsplit("/", 1)[-1]))
        for needed in ("statuses", "project-areas", "topics", "target-groups", "participant-categories",
                       "roles", "programmes", "continents"):
            if not self.schemes.get(needed):
                raise ValueError(f"data/concepts.ttl has no concepts in the scheme {needed!r}")
        if not self.sources or len(self.goals) != 17:
            raise ValueError("data/sources.ttl or data/sdg-goals.ttl is incomplete")

    def concept(self, scheme: str, slug_: str) -> str:
        iri = ID + "concept/" + slug_
        if iri not in self.schemes[scheme]:
            return self.schemes[scheme][0]
        return iri

    def copy_into(self, w: _Writer) -> None:
        for f in self.files:
            for t in pyoxigraph.parse(path=str(f), format=pyoxigraph.RdfFormat.TURTLE):
                w.raw(f"{t.subject} {t.predicate} {t.object} .\n")
            w.flush()


class Generator:
    def __init__(self, triples: int, seed: int, vocab: Vocabulary):
        self.vocab = vocab
        self.blocks = max(1, round(triples / TRIPLES_PER_BLOCK))
        self.target = triples
        self.rng = random.Random(seed)
        self.n_networks = max(2, self.blocks // 20)
        self.n_orgs = max(1, self.blocks // 5)
        self.n_regions = len(REGIONS)
        s = vocab.schemes
        self.statuses = [c for c in s["statuses"]]
        self.partnership_statuses = [vocab.concept("statuses", x) for x in
                                     ("status-active", "status-completed", "status-paused", "status-active-in-programme")]
        self.project_statuses = [vocab.concept("statuses", x) for x in
                                 ("status-granted", "status-completed", "status-proposed", "status-active", "status-not-granted")]
        self.programme = vocab.concept("programmes", "icld-municipal-partnership")
        self.roles = s["roles"]
        self.member_role = vocab.concept("roles", "role-member")
        self.municipality_statuses = [vocab.concept("statuses", x) for x in
                                      ("status-seeking-partner", "status-not-active-in-programme", "status-active-in-programme")]
        self.funders = sorted(vocab.organisations) or [ID + "organisation/icld"]

    # -- names and IRIs computed from indices (no lists of resources are kept) ----------------
    @staticmethod
    def _nth(names: list[str], i: int) -> str:
        base = names[i % len(names)]
        return base if i < len(names) else f"{base} {i // len(names) + 1}"

    def swedish(self, i: int) -> tuple[str, str]:
        name = self._nth(SWEDISH, i)
        return ID + "municipality/" + slugify(name), name

    def foreign(self, i: int) -> tuple[str, str, int]:
        name = self._nth(FOREIGN, i)
        # "-abroad" keeps foreign slugs apart from Swedish ones that share a name
        return ID + "municipality/" + slugify(name) + ("" if i < len(FOREIGN) else "-abroad"), name, i % len(COUNTRIES)

    def region(self, i: int) -> tuple[str, str]:
        name = REGIONS[i % len(REGIONS)]
        return ID + "region/" + slugify(name), name

    def country(self, i: int) -> str:
        return ID + "country/" + slugify(COUNTRIES[i][0])

    def network(self, i: int) -> tuple[str, str]:
        name = self._nth(NETWORK_NAMES, i)
        return ID + "network/" + slugify(name), name

    def organisation(self, i: int) -> tuple[str, str, str, str]:
        kind, en, sv = ORG_KINDS[i % len(ORG_KINDS)]
        _, town = self.swedish(i * 5)
        return ID + "organisation/" + slugify(f"{en} {town}"), kind, f"{en} {town}", f"{sv} {town}"

    def partnership_iri(self, b: int, k: int) -> str:
        if b == 0 and k == 0:
            return ID + "partnership/vaxjo-jb-marks"  # the default of the named queries
        return ID + f"partnership/p{b}-{k}"

    def project_iri(self, b: int, k: int) -> str:
        if b == 0 and k == 0:
            return ID + "project/sekos-2"  # the default of the named queries
        return ID + f"project/pr{b}-{k}"

    def source(self) -> str:
        return self.rng.choice(self.vocab.sources)

    # -- the fixed part ----------------------------------------------------------------------
    def fixed(self, w: _Writer) -> None:
        sweden = ID + "country/sweden"
        w.iri(sweden, RDF_TYPE, PG + "Country")
        w.labels(sweden, "Sweden", "Sverige")
        w.iri(sweden, PG + "continent", self.vocab.concept("continents", "continent-europe"))
        w.iri(sweden, PROV_DERIVED, self.vocab.sources[0])
        for i, (en, sv, continent) in enumerate(COUNTRIES):
            c = self.country(i)
            w.iri(c, RDF_TYPE, PG + "Country")
            w.labels(c, en, sv)
            w.iri(c, PG + "continent", self.vocab.concept("continents", "continent-" + continent))
            w.iri(c, PROV_DERIVED, self.source())
        for i in range(self.n_regions):
            r, name = self.region(i)
            w.iri(r, RDF_TYPE, PG + "Region")
            w.labels(r, f"Region {name}", f"Region {name}")
            w.iri(r, PG + "country", sweden)
            w.iri(r, PROV_DERIVED, self.source())
        for i in range(self.n_networks):
            n, name = self.network(i)
            w.iri(n, RDF_TYPE, PG + ("InternationalNetwork" if i % 3 else "NationalNetwork"))
            w.labels(n, name, name)
            theme = THEMES[i % len(THEMES)]
            w.describe(n, f"A network of cities and municipalities working on {theme[0]}.",
                       f"Ett nätverk av städer och kommuner som arbetar med {theme[1]}.")
            w.iri(n, PROV_DERIVED, self.source())
        for o in sorted(self.vocab.organisations):
            name = o.rsplit("/", 1)[-1].upper()
            w.iri(o, RDF_TYPE, PG + "Organisation")
            w.labels(o, name, name)
            w.iri(o, PG + "country", sweden)
            w.iri(o, PROV_DERIVED, self.vocab.sources[0])
        for i in range(self.n_orgs):
            o, kind, en, sv = self.organisation(i)
            w.iri(o, RDF_TYPE, PG + kind)
            w.labels(o, en, sv)
            w.iri(o, PG + "country", sweden)
            w.iri(o, PROV_DERIVED, self.source())
        w.flush()

    # -- one block ---------------------------------------------------------------------------
    def block(self, w: _Writer, b: int) -> None:
        rng = self.rng
        sweden = ID + "country/sweden"
        mun, mun_name = self.swedish(b)
        reg, reg_name = self.region(b % self.n_regions if b else 0)
        w.iri(mun, RDF_TYPE, PG + "Municipality")
        w.labels(mun, mun_name, mun_name)
        w.iri(mun, PG + "country", sweden)
        w.iri(mun, PG + "region", reg)
        w.plain(mun, PG + "municipalityCode", f"{1000 + b % 9000:04d}" if b else "0780")
        w.describe(mun, f"Swedish municipality in Region {reg_name} with municipal partnerships abroad.",
                   f"Svensk kommun i Region {reg_name} med kommunala partnerskap utomlands.")
        w.iri(mun, PROV_DERIVED, self.source())
        if b and rng.random() < 0.15:  # a municipality's own status in the programme
            w.iri(mun, PG + "status", self.municipality_statuses[rng.randrange(len(self.municipality_statuses))])
            w.status_evidence(mun)
        foreign = []
        for k in range(2):
            f, f_name, ci = self.foreign(2 * b + k)
            foreign.append((f, f_name))
            w.iri(f, RDF_TYPE, PG + ("Municipality", "City", "Province", "DistrictCouncil")[(2 * b + k) % 4])
            w.labels(f, f_name, f_name)
            w.iri(f, PG + "country", self.country(ci))
            w.iri(f, PROV_DERIVED, self.source())
            if rng.random() < 0.5:
                w.describe(f, f"Local government in {COUNTRIES[ci][0]} with a Swedish partner municipality.",
                           f"Lokal förvaltning i {COUNTRIES[ci][1]} med en svensk partnerkommun.")
        person = ID + f"person/{slugify(FIRST[b % len(FIRST)] + ' ' + LAST[(b // len(FIRST)) % len(LAST)])}-{b}"
        pname = f"{FIRST[b % len(FIRST)]} {LAST[(b // len(FIRST)) % len(LAST)]}"
        w.iri(person, RDF_TYPE, PG + "Person")
        w.plain(person, FOAF_NAME, pname)
        w.labels(person, pname, pname)
        w.lang(person, SCHEMA_JOB, "international coordinator", "en")
        w.lang(person, SCHEMA_JOB, "internationell samordnare", "sv")
        w.iri(person, PG + "affiliation", mun)
        w.iri(person, PROV_DERIVED, self.source())
        # partnerships: two bilateral, one trilateral with a region
        partnerships = []
        for k in range(3):
            p = self.partnership_iri(b, k)
            if k < 2:
                partners = [(mun, mun_name), foreign[k]]
                w.iri(p, RDF_TYPE, PG + "BilateralPartnership")
            else:
                partners = [(mun, mun_name), (reg, f"Region {reg_name}"), foreign[0]]
                w.iri(p, RDF_TYPE, PG + "TrilateralPartnership")
            label = " – ".join(n for _, n in partners)
            partnerships.append((p, label))
            w.labels(p, label, label)
            for iri, _ in partners:
                w.iri(p, PG + "partner", iri)
            start = rng.randint(1995, 2022)
            w.typed(p, PG + "startYear", str(start), XSD + "gYear")
            if rng.random() < 0.3:
                w.typed(p, PG + "endYear", str(rng.randint(start, 2025)), XSD + "gYear")
            w.iri(p, PG + "status", rng.choice(self.partnership_statuses))
            w.status_evidence(p)
            w.iri(p, PG + "programme", self.programme)
            if rng.random() < 0.2:
                w.iri(p, PG + "partOfNetwork", self.network(rng.randrange(self.n_networks))[0])
            theme = THEMES[rng.randrange(len(THEMES))]
            w.describe(p, f"Municipal partnership between {label}, cooperating since {start} on {theme[0]}.",
                       f"Kommunalt partnerskap mellan {label}, som sedan {start} samarbetar om {theme[1]}.")
            w.iri(p, PROV_DERIVED, self.source())
        # projects: eight, spread over the three partnerships
        v = self.vocab.schemes
        for k in range(8):
            pr = self.project_iri(b, k)
            p, p_label = partnerships[k % 3]
            theme = THEMES[rng.randrange(len(THEMES))]
            w.iri(pr, RDF_TYPE, PG + "Project")
            title = f"{theme[0].capitalize()} in {p_label.split(' – ')[-1]} ({k + 1})"
            w.lang(pr, DCT + "title", title, "en")
            w.labels(pr, title, f"{theme[1].capitalize()} i {p_label.split(' – ')[-1]} ({k + 1})")
            w.iri(pr, PG + "partnership", p)
            w.iri(pr, PG + "status", rng.choice(self.project_statuses))
            w.status_evidence(pr)
            w.iri(pr, PG + "programme", self.programme)
            w.iri(pr, PG + "projectArea", rng.choice(v["project-areas"]))
            goals = rng.sample(range(1, 18), rng.choice((1, 1, 2, 2, 3)))
            for g in goals:
                w.iri(pr, PG + "sdg", f"{SDG}{g}")
            if rng.random() < 0.3:  # some targets
                g = goals[0]
                w.iri(pr, PG + "sdg", f"{SDG}{g}.{rng.randint(1, 5)}")
            for t in rng.sample(v["topics"], rng.randint(0, min(2, len(v["topics"])))):
                w.iri(pr, PG + "topic", t)
            for t in rng.sample(v["target-groups"], rng.randint(1, 3)):
                w.iri(pr, PG + "targetGroup", t)
            if rng.random() < 0.5:
                w.iri(pr, PG + "participantCategory", rng.choice(v["participant-categories"]))
            start = rng.randint(2000, 2024)
            period = rng.random()
            if period < 0.05:
                pass  # no period: a data gap the data-gaps query finds
            elif period < 0.1:
                w.typed(pr, PG + "durationYears", str(rng.randint(1, 3)), XSD + "integer")
            else:
                w.typed(pr, PG + "startYear", str(start), XSD + "gYear")
                if period < 0.8:
                    w.typed(pr, PG + "endYear", str(start + rng.randint(0, 3)), XSD + "gYear")
            if rng.random() < 0.5:
                w.iri(pr, PG + "fundedBy", self.funders[rng.randrange(len(self.funders))])
            if rng.random() < 0.3:
                w.iri(pr, PG + "projectOwner", mun)
            if rng.random() < 0.2:
                w.iri(pr, PG + "participant", self.organisation(rng.randrange(self.n_orgs))[0])
            if rng.random() < 0.3:
                w.typed(pr, PG + "numberOfParticipants", str(rng.randint(5, 200)), XSD + "integer")
            if k >= 3 and rng.random() < 0.3:
                w.iri(pr, PG + "buildsOn", self.project_iri(b, k - 3))
            if rng.random() < 0.3:
                w.iri(pr, PG + "participant", person)
            w.describe(pr, f"Project of the partnership {p_label} on {theme[0]}, started in {start}.",
                       f"Projekt inom partnerskapet {p_label} om {theme[1]}, som började {start}.")
            w.iri(pr, PROV_DERIVED, self.source())
        # events
        for k in range(2):
            e = ID + f"event/e{b}-{k}"
            kind, en, sv = EVENT_KINDS[rng.randrange(len(EVENT_KINDS))]
            other = foreign[k]
            w.iri(e, RDF_TYPE, PG + kind)
            w.labels(e, en.format(a=mun_name, b=other[1]), sv.format(a=mun_name, b=other[1]))
            w.describe(e, f"{en.format(a=mun_name, b=other[1])} within their partnership.",
                       f"{sv.format(a=mun_name, b=other[1])} inom deras partnerskap.")
            year = rng.randint(2005, 2024)
            if rng.random() < 0.8:
                w.typed(e, PG + "date", f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", XSD + "date")
            else:
                w.typed(e, PG + "date", f"--{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", XSD + "gMonthDay")
            w.iri(e, PG + "place", other[0] if k == 0 else mun)
            w.iri(e, PG + "participant", mun)
            w.iri(e, PG + "participant", other[0])
            if rng.random() < 0.5:
                w.iri(e, PG + "participant", person)
            w.iri(e, PG + "about", partnerships[k][0])
            w.iri(e, PROV_DERIVED, self.source())
        # a membership
        n, n_name = self.network(rng.randrange(self.n_networks))
        m = ID + f"membership/m{b}"
        w.iri(m, RDF_TYPE, PG + "Membership")
        w.labels(m, f"{mun_name} in {n_name}", f"{mun_name} i {n_name}")
        w.iri(m, ORG + "member", mun)
        w.iri(m, ORG + "organization", n)
        w.iri(m, PG + "role", rng.choice(self.roles) if rng.random() < 0.3 else self.member_role)
        if rng.random() < 0.3:
            w.iri(m, PG + "representative", person)
        w.typed(m, PG + "startYear", str(rng.randint(1990, 2020)), XSD + "gYear")
        w.iri(m, PROV_DERIVED, self.source())
        w.flush()

    def run(self, w: _Writer, include_vocab: bool, progress: Callable[[int], None] | None = None) -> int:
        if include_vocab:
            self.vocab.copy_into(w)
        self.fixed(w)
        b = 0
        while w.count < self.target or b < 2:  # block 1 is Vänersborg, which sources.ttl names
            self.block(w, b)
            b += 1
            if progress and b % 1000 == 0:
                progress(w.count)
        return w.count


def generate(triples: int, out: str | Path, seed: int = 1, data_dir: str | Path = "data",
             include_vocab: bool = True, progress: Callable[[int], None] | None = None) -> int:
    """Write a synthetic graph of about `triples` triples (never fewer) to `out`; returns the
    number of triples written. The exact count ends on a whole block."""
    if triples < 1:
        raise ValueError("--triples must be positive")
    vocab = Vocabulary(Path(data_dir))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
        if out.suffix.lower() == ".ttl":
            fh.write(f"# partnergraph synthetic graph: {triples} triples requested, seed {seed} (N-Triples lines)\n")
        n = Generator(triples, seed, vocab).run(_Writer(fh), include_vocab, progress)
    tmp.replace(out)
    return n


def main(argv: list[str] | None = None) -> int:
    import argparse
    import time
    parser = argparse.ArgumentParser(description="Write a synthetic graph of the real graph's shape and about N "
                                     "triples (for the benchmark). It conforms to the shapes together with "
                                     "data/concepts.ttl, sdg-goals.ttl and sources.ttl.")
    parser.add_argument("--triples", type=int, required=True, help="about how many triples to write (never fewer)")
    parser.add_argument("--out", required=True, help="output file: .nt (N-Triples) or .ttl")
    parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same file")
    parser.add_argument("--data-dir", default="data", help="where concepts.ttl, sdg-goals.ttl and sources.ttl are")
    parser.add_argument("--no-concepts", action="store_true", help="leave out the copied concept, SDG and source triples")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        count = generate(args.triples, args.out, args.seed, args.data_dir, include_vocab=not args.no_concepts)
    except (OSError, ValueError) as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    print(f"Wrote {count:,} triples to {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
