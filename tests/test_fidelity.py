"""data/ says what the five source documents say, no more, and holds what they say as data.

One test per kind of defect, each failing when an instance comes back: classifications no
source gives, statuses without the source's words, identifier links stronger than the fact,
numbers that live only in a description, participants who are only quoted, events dated with
the date of their report, types and programmes the documents do not support, place labels
spelled otherwise than the documents spell them. The expectations (which documents list project
areas, who took part in what, how a document spells a name) were written from reading the
documents in ../shared/seeds/, cited by file number and passage, not from the data.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
ID = "https://w3id.org/partnergraph/id/"
PG = Namespace("https://w3id.org/partnergraph/ontology#")
SCHEMA = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
WD = "http://www.wikidata.org/entity/"
# A plain Namespace: pytest probing rdflib's closed XSD namespace at collection warns.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the source documents are not at {SEEDS}")


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug}")


@pytest.fixture(scope="module")
def data() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path)
    return graph


def sources_of(graph: Graph, node) -> set[str]:
    """The document numbers ("000" ... "004") a resource says it comes from."""
    return {str(s).rsplit("/", 1)[1][:3] for s in graph.objects(node, PROV.wasDerivedFrom)}


def document_text(number: str) -> str:
    return _flat(next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


###########################################################################################
# Classifications the documents do not give
###########################################################################################

# From reading: only 000's project listings have "Project Area" and "Topic" lines.
LISTS_AREAS_AND_TOPICS = {"000": True, "001": False, "002": False, "003": False, "004": False}
# 000's listings with a "Topic" line: Kalush ("Child rights and youth participation"), the traffic
# planning project ("Participatory democracy, ..."), the archives entry ("Digitalisation and
# e-governanceParticipatory democracy, ..."). The others list a project area but no topic.
TOPIC_LINES_000 = {iri("project", "fostering-inclusive-leadership-and-governance"),
                   iri("project", "efficient-and-responsive-traffic-planning"),
                   iri("project", "vushtrri-municipal-archives")}
# 000 mentions these only inside other listings ("the previously executed MIS-project", "a
# previous ICLD project (ended 2017)"): no listing, so no area and no topic.
MENTIONED_ONLY_000 = {iri("project", "mis-project"), iri("project", "vaxjo-vushtrri-previous-icld-project")}


def test_project_areas_and_topics_only_where_a_source_lists_them(data):
    wrong = []
    for prop in (PG.projectArea, PG.topic):
        for project, value in data.subject_objects(prop):
            listed = {d for d in sources_of(data, project) if LISTS_AREAS_AND_TOPICS[d]}
            if not listed or project in MENTIONED_ONLY_000:
                wrong.append((project, prop, value))
            if prop == PG.topic and project not in TOPIC_LINES_000:
                wrong.append((project, prop, value))
    assert wrong == []


def test_editorial_classifications_say_why_and_are_counted_nowhere(data):
    # 003 ("stadsplanering och avfalsshantering") and 004 ("öka medborgares inflytande i beslut som
    # rör stadsplanering med fokus på cykling") describe these projects without any project area.
    editorial = set(data.subjects(PG.editorialProjectArea, None)) | set(data.subjects(PG.editorialTopic, None))
    assert editorial == {iri("project", "ecowama36"), iri("project", "helsingborg-probolinggo-cycling")}
    for project in editorial:
        assert list(data.objects(project, SKOS.editorialNote)), project
    ontology = Graph().parse(ROOT / "ontology" / "partnergraph.ttl")
    for prop in (PG.editorialProjectArea, PG.editorialTopic):
        assert not list(ontology.objects(prop, RDFS.subPropertyOf)), f"{prop} must not be counted as a source fact"
    users = [path for pattern in ("queries/*.rq", "src/partnergraph/**/*.rq", "src/partnergraph/**/*.py",
                                  "src/partnergraph/**/*.toml", "ontology/rules/*.rq")
             for path in ROOT.glob(pattern)
             if re.search(r"editorial(ProjectArea|Topic)", path.read_text(encoding="utf-8"))]
    assert users == [], "named queries, facets, charts and rules do not count editorial classifications"


def test_named_queries_count_no_editorial_classification(graph):
    areas = {r["project"] for r in graph.query("projects-by-project-area").rows()}
    topics = {r["project"] for r in graph.query("projects-by-topic").rows()}
    for project in ("ecowama36", "helsingborg-probolinggo-cycling"):
        assert str(iri("project", project)) not in areas | topics


###########################################################################################
# Statuses only with the words of a source
###########################################################################################

QUOTED = re.compile(r"'([^']{12,}?)'")


@needs_seeds
def test_every_status_quotes_the_source_that_supports_it(data):
    problems = []
    for node in set(data.subjects(PG.status, None)):
        evidence = list(data.objects(node, PG.statusEvidence))
        if len(evidence) != 1:
            problems.append((node, "needs one pg:statusEvidence", len(evidence)))
            continue
        note = str(evidence[0])
        documents = sources_of(data, node)
        if note[:3] not in documents:
            problems.append((node, "does not name one of its documents first", note[:3]))
        passages = QUOTED.findall(note)
        if not passages:
            problems.append((node, "quotes nothing", note))
        for passage in passages:
            if not any(_flat(passage) in document_text(d) for d in documents):
                problems.append((node, "quote not in its documents", passage))
    assert problems == []


@needs_seeds
def test_every_role_cites_the_words_of_its_document(data):
    """A membership's roles (member, founder, chair, board member...) come with a note quoting 002."""
    problems = []
    for membership in set(data.subjects(PG.role, None)):
        passages = [p for note in data.objects(membership, SKOS.editorialNote) for p in QUOTED.findall(str(note))]
        documents = sources_of(data, membership)
        if not any(_flat(p) in document_text(d) for p in passages for d in documents):
            problems.append(membership)
    assert problems == []


def test_no_status_against_or_beyond_the_text(data):
    # 004: Herrljunga "har sedan 2013 ett trepartssamarbete", and ICLD attended "det avslutande
    # mötet mellan de tre parterna": whether it goes on is not said. 000: Kalush's entry is
    # undated and only in the present tense ("Växjö and Kalush prioritize collaboration").
    # 004: Härryda organised a meeting "för närliggande KP-kommuner"; it is not said to be one.
    for node in (iri("partnership", "herrljunga-kamianets-podilskyi-ukmerge"), iri("partnership", "vaxjo-kalush"),
                 iri("municipality", "harryda")):
        assert list(data.objects(node, PG.status)) == [], node


###########################################################################################
# Links no stronger than the fact
###########################################################################################

# What each Wikidata item is, as ../shared/vocab/README.md names it: the Swedish items "are the
# municipalities, not the towns"; abroad "Chobe District Q165536", "An Giang province Q36592",
# "Ukmergė district municipality Q68929", "Probolinggo (city) Q11450", and the places Tbilisi,
# Kalush, Kamianets-Podilskyi, Omaruru and Hangzhou by their names.
ITEM_KIND = {
    **{f"{WD}{q}": "municipality" for q in ("Q492614", "Q500217", "Q505018", "Q487648", "Q500125",
                                           "Q503111", "Q511426", "Q501452")},
    f"{WD}Q68929": "municipality", f"{WD}Q36592": "province", f"{WD}Q165536": "district",
    f"{WD}Q11450": "city", f"{WD}Q994": "city", f"{WD}Q4970": "city",
    f"{WD}Q146453": "town", f"{WD}Q193965": "town", f"{WD}Q1896161": "town",
}
# Our resources are governments (pg:LocalGovernment is an org:Organization): a municipality item
# is the same kind as a pg:Municipality, a province item as a pg:Province. A district, city or
# town is the place a government serves, not the government.
SAME_KIND = {PG.Municipality: {"municipality"}, PG.Province: {"province"}, PG.City: set(),
             PG.DistrictCouncil: set()}


def test_same_as_only_to_an_item_of_the_same_kind(data):
    wrong = []
    for node, item in data.subject_objects(OWL.sameAs):
        kinds = {k for t in data.objects(node, RDF.type) for k in SAME_KIND.get(t, set())}
        if ITEM_KIND.get(str(item)) not in kinds:
            wrong.append((node, item, ITEM_KIND.get(str(item), "unknown item")))
    assert wrong == []
    for node, item in data.subject_objects(SCHEMA.areaServed):
        assert str(item) in ITEM_KIND, (node, item)
    # The council of Chobe District is not the district (the vocabulary's item is the district).
    assert (iri("municipality", "chobe"), SCHEMA.areaServed, URIRef(f"{WD}Q165536")) in data


###########################################################################################
# No number only in prose
###########################################################################################

NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "decade": 10,
                "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10,
                "elva": 11, "tolv": 12, "decennium": 10}
WORDS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
WORD_NUMBER = re.compile(rf"(?<![\w-])({WORDS})(?=[\s,;.:)-]|årig|$)", re.IGNORECASE)
DIGITS = re.compile(r"(?<![\w§.,-])(\d{1,3}(?:[ \u00a0,]\d{3})+|\d+)(?![\d])(st|nd|rd|th)?(?:[- ]centur)?")
# Numbers that are part of a name, not facts: the UN's agenda, the disease.
NAMES = re.compile(r"Agenda 2030|covid-19", re.IGNORECASE)


def numbers_in(text: str) -> list[tuple[str, int, bool]]:
    """(what was read, the number, whether it is a century) for each number in a description."""
    text = NAMES.sub(" ", text)
    found = []
    for match in DIGITS.finditer(text):
        value = int(re.sub(r"[ \u00a0,]", "", match.group(1)))
        century = bool(match.group(2)) and match.group(0).endswith("centur")
        found.append((match.group(0), value, century))
    for match in WORD_NUMBER.finditer(text):
        found.append((match.group(0), NUMBER_WORDS[match.group(1).lower()], False))
    return found


def literal_numbers(value: Literal) -> set[int]:
    text, datatype = str(value), value.datatype
    if datatype in (XSD.integer, XSD.int, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.decimal):
        return {int(float(text))}
    if datatype in (XSD.gYear, XSD.gYearMonth, XSD.date):
        return {int(part) for part in text.split("-") if part}
    if datatype == XSD.gMonthDay:
        return {int(part) for part in text.strip("-").split("-")}
    return set()


def own_numbers(graph: Graph, node, seen=None) -> set[int]:
    """The numbers in a resource's literals and its blank nodes', with the lengths its years span."""
    seen = seen if seen is not None else set()
    if node in seen:
        return set()
    seen.add(node)
    numbers: set[int] = set()
    for _, obj in graph.predicate_objects(node):
        if isinstance(obj, Literal):
            numbers |= literal_numbers(obj)
        elif isinstance(obj, BNode):
            numbers |= own_numbers(graph, obj, seen)
    start, end = graph.value(node, PG.startYear), graph.value(node, PG.endYear)
    if start is not None and end is not None:
        numbers |= {int(end) - int(start), int(end) - int(start) + 1}
    return numbers


def data_numbers(graph: Graph, node) -> set[int]:
    """What a query reaches from the resource: its own numbers, those of the resources it links to
    or that link to it, and how many values it has per property (and per kind of value)."""
    numbers = own_numbers(graph, node)
    out = [(p, o) for p, o in graph.predicate_objects(node) if isinstance(o, URIRef) and p != RDF.type]
    incoming = [(p, s) for s, p in graph.subject_predicates(node) if isinstance(s, URIRef)]
    for _, other in out + incoming:
        numbers |= own_numbers(graph, other)
    for links in (out, incoming):
        for prop in {p for p, _ in links}:
            values = [o for p, o in links if p == prop]
            numbers.add(len(values))
            for kind in {t for v in values for t in graph.objects(v, RDF.type)}:
                numbers.add(sum(1 for v in values if (v, RDF.type, kind) in graph))
    for _, part in graph.predicate_objects(node):
        if isinstance(part, BNode):
            for prop in set(graph.predicates(node, None)):
                numbers.add(len(list(graph.objects(node, prop))))
    return numbers


def test_numbers_in_descriptions_are_in_the_data(data):
    missing = []
    for node, description in data.subject_objects(DCTERMS.description):
        if not isinstance(node, URIRef) or not str(node).startswith(ID):
            continue
        numbers = data_numbers(data, node)
        for read, value, century in numbers_in(str(description)):
            if century:
                ok = any((value - 1) * 100 <= n <= value * 100 for n in numbers)
            else:
                ok = value in numbers
            if not ok:
                missing.append((str(node).removeprefix(ID), description.language, read))
    assert missing == []


@pytest.mark.parametrize("text, expected", [
    ("a three-year project (2019–2021) with 15 activities", [3, 2019, 2021, 15]),
    ("Treårigt projekt, drygt 23 000 invånare, 1,500 cities", [23000, 1500, 3]),
    ("since 2005/2006; the 19th-century trading post; på 1800-talet", [2005, 2006, 19, 1800]),
    ("Agenda 2030, ECOWAMA36, §37 funds, covid-19", []),
])
def test_numbers_in_reads_digits_words_and_centuries(text, expected):
    assert sorted(value for _, value, _ in numbers_in(text)) == sorted(expected)


def test_prose_facts_are_data(data):
    """Each date, period, reason and count the documents state is reachable by a query."""
    def ask(query: str, **nodes: str) -> bool:
        """The query with each ?name bound to the IRI given for it."""
        return bool(data.query(query, initNs={"pg": PG, "dcterms": DCTERMS, "time": TIME, "prov": PROV,
                                                "schema": SCHEMA, "xsd": XSD},
                               initBindings={name: URIRef(value) for name, value in nodes.items()}).askAnswer)
    # 000: "In 2023, they were approved for a project addressing ... the municipal archives"
    assert ask('ASK { ?it dcterms:dateAccepted "2023"^^xsd:gYear }', it=iri("project", "vushtrri-municipal-archives"))
    # 000: "The new project, submitted 2024 aims to address skill gaps"
    assert ask('ASK { ?it dcterms:dateSubmitted "2024"^^xsd:gYear }', it=iri("project", "vushtrri-workforce-skills-gaps"))
    # 002: "Det operativa deltagararbetet pågår under perioden 1 februari 2021 till och med 31 oktober 2022"
    assert ask('ASK { ?it pg:phase [ time:hasBeginning/time:inXSDDate "2021-02-01"^^xsd:date ; '
               'time:hasEnd/time:inXSDDate "2022-10-31"^^xsd:date ] }', it=iri("project", "spik"))
    # 002: "tar emot deltagare fram till och med 31 maj 2021. Arbetet med deltagare avslutas i oktober 2021"
    assert ask('ASK { ?it pg:phase/time:hasEnd/time:inXSDDate "2021-05-31"^^xsd:date ; '
               'pg:phase/time:hasEnd/time:inXSDgYearMonth "2021-10"^^xsd:gYearMonth }',
               it=iri("project", "etableringssamverkan-kronoberg-2"))
    # 002: "(Markaryd har deltagit fram till och med januari 2021)"
    assert ask('ASK { ?it prov:qualifiedAssociation [ prov:agent ?agent ; pg:endDate "2021-01"^^xsd:gYearMonth ] }',
               it=iri("project", "etableringssamverkan-kronoberg-2"), agent=iri("municipality", "markaryd"))
    # 003: "genomförandet är pausat sedan Covid-19 pandemin brutit ut"
    assert ask('ASK { ?it pg:statusReason ?r FILTER (CONTAINS(LCASE(STR(?r)), "covid-19")) }', it=iri("project", "ecowama36"))
    # 001: "started already in 2005/2006"
    assert ask('ASK { ?it pg:startYear "2005"^^xsd:gYear ; pg:latestStartYear "2006"^^xsd:gYear }',
               it=iri("partnership", "vaxjo-jb-marks"))
    # 003: "drygt 23 000 invånare (enligt folkräkningen 2011)"
    assert ask('ASK { ?it pg:count [ schema:minValue 23000 ; dcterms:date "2011"^^xsd:gYear ] }', it=iri("municipality", "chobe"))
    # 000: the ICLD posts of "Tisdag 30 juni 2020" and "Tisdag 9 juni 2020"
    assert ask('ASK { ?it dcterms:hasPart/dcterms:issued "2020-06-09"^^xsd:date , "2020-06-30"^^xsd:date }',
               it=iri("source", "000_3db2f6b1717fd080"))


###########################################################################################
# Over-read dates and participation
###########################################################################################

# 004, who took part: Herrljunga "Karin Norlin Bogren ... deltod i det avslutande mötet"; Skövde,
# Ulrika Henriksson and Gunilla Carlsson prepare "när Jessica Vesterberg och Rikard Eduards ...
# besöker kommunen"; Lund "mötte KP-delegationen Georg Heuwing ... och Yvonne Brogaard Nelson";
# Härryda "Nina Wallgren ... anordnade". Quoted only: Peter Book (Helsingborg), Jessica Vesterberg
# (Ekerö, Almedalen), Myriam Chilvers (Härryda).
PEOPLE_WHO_TOOK_PART_004 = {
    "herrljunga-concluding-meeting": {"karin-norlin-bogren"},
    "skovde-visit": {"ulrika-henriksson", "gunilla-carlsson", "jessica-vesterberg", "rikard-eduards"},
    "helsingborg-meeting": set(),
    "lund-visit": {"georg-heuwing", "yvonne-brogaard-nelson"},
    "ekero-skype-meeting": set(),
    "harryda-network-meeting": {"nina-wallgren"},
    "almedalen-workshop": set(),
}


def test_participants_are_those_the_documents_say_took_part(data):
    got = {}
    for event in data.subjects(RDF.type, None):
        if str(event).startswith(ID + "event/") and sources_of(data, event) == {"004"}:
            people = {str(p).rsplit("/", 1)[1] for p in data.objects(event, PG.participant) if "/person/" in str(p)}
            if people or str(event).rsplit("/", 1)[1] in PEOPLE_WHO_TOOK_PART_004:
                got[str(event).rsplit("/", 1)[1]] = people
    assert got == PEOPLE_WHO_TOOK_PART_004


def test_events_are_not_dated_with_their_report_or_their_outcome(data):
    for event, date in data.subject_objects(PG.date):
        for source in data.objects(event, PROV.wasDerivedFrom):
            assert date not in set(data.objects(source, DCTERMS.date)) | set(data.objects(source, DCTERMS.modified)), event
    # 001 is dated "30 January 2018" and says "Twelve projects have been shortlisted": the
    # shortlisting is not dated. 002: "ICLEI grundades 1990 och var resultatet av ett möte": the
    # founding is dated, not the meeting. 002: "i början av 2000-talet" is no date.
    for slug in ("platforma-award-shortlist-2018", "iclei-founding-meeting-1990", "iclei-bbc-greenest-city"):
        assert data.value(iri("event", slug), PG.date) is None, slug
        assert data.value(iri("event", slug), TIME.hasTime) is not None, slug


###########################################################################################
# Types and programmes the documents support
###########################################################################################

def test_organisation_types_only_where_a_document_supports_them(data):
    specific = {PG.MunicipalCompany, PG.University, PG.StateAgency, PG.Association, PG.Fund}
    got = {(str(s).rsplit("/", 1)[1], t) for t in specific for s in data.subjects(RDF.type, t)}
    # 002: SPiK "finansieras med stöd från Europeiska socialfonden (ESF)"; 000: "experts at the
    # Linnaeus University". Nothing in the documents on ownership (Växjö Energi) or on agencies
    # and associations (Sida, Arbetsförmedlingen, Försäkringskassan, the county boards, PLATFORMA,
    # Samordningsförbundet Värend, Città del bio).
    assert got == {("european-social-fund", PG.Fund), ("linnaeus-university", PG.University)}
    # "staden Omaruru" (003), "den kinesiska staden Hangzhou" (004), "de sju städerna" (002)
    cities = {str(s).rsplit("/", 1)[1] for s in data.subjects(RDF.type, PG.City)}
    assert cities == {"omaruru", "hangzhou", "paris", "wien", "nurnberg", "corrence", "porec", "seeham"}
    # 000: "This partnership is part of the ICLD network for democratic reslience": nothing more
    assert (iri("network", "icld-network-for-democratic-resilience"), RDF.type, PG.InternationalNetwork) not in data
    # 002: ICLEI "beskrev Växjö som Europas grönaste stad": a description, not an award
    assert (iri("event", "iclei-bbc-greenest-city"), RDF.type, PG.Award) not in data


def test_no_programme_where_the_document_says_the_municipality_is_not_in_it(data):
    # 004: Lund is among "kommunerna som idag inte är aktiva inom programmet"
    lund = iri("partnership", "lund-hangzhou")
    for node in [lund, *data.subjects(PG.partnership, lund)]:
        assert data.value(node, PG.programme) is None, node


def test_participants_of_projects_are_not_target_groups(data):
    # 000, SEKOS 2: "involves school principals and teachers as direct participants while (at
    # least) 100 upper-secondary student take part as indirect participants"
    sekos = iri("project", "sekos-2")
    assert list(data.objects(sekos, PG.targetGroup)) == []
    assert set(data.objects(sekos, PG.participantCategory)) == {
        iri("concept", "participants-principals-and-teachers"), iri("concept", "participants-upper-secondary-students")}


###########################################################################################
# Wording
###########################################################################################

# (resource, the document's language, its spelling there, the standard spelling where it differs)
PLACE_SPELLINGS = [
    ("tbilisi", "sv", "Tblisi", "Tbilisi"),                               # 004 "sin kommunala partner Tblisi"
    ("kamianets-podilskyi", "sv", "Kamjanets-Podilskyj", "Kamianets-Podilskyi"),  # 004 "Kamjanets-Podilskyj, Ukraina"
    ("porec", "sv", "Porec", "Poreč"),                                    # 002 "Porec i Kroatien"
    ("wien", "sv", "Wien", None), ("nurnberg", "sv", "Nürnberg", None), ("paris", "sv", "Paris", None),
    ("corrence", "sv", "Corrence", None), ("seeham", "sv", "Seeham", None),          # 002
    ("ukmerge", "sv", "Ukmergė", None), ("omaruru", "sv", "Omaruru", None),          # 004, 003
    ("hangzhou", "sv", "Hangzhou", None), ("probolinggo", "sv", "Probolinggo", None),  # 004
    ("chobe", "sv", "Chobe District Council", None),                      # 003
    ("vushtrri", "en", "Vushtrri", None), ("kalush", "en", "Kalush", None),           # 000
    ("an-giang", "en", "An Giang", None), ("jb-marks", "en", "JB Marks Local Municipality", None),
]


@pytest.mark.parametrize("slug, lang, spelled, standard", PLACE_SPELLINGS, ids=[p[0] for p in PLACE_SPELLINGS])
def test_place_labels_are_spelled_as_the_documents_spell_them(data, slug, lang, spelled, standard):
    node = iri("municipality", slug)
    assert Literal(spelled, lang=lang) in set(data.objects(node, RDFS.label))
    if standard:
        assert Literal(standard, lang=lang) in set(data.objects(node, SKOS.altLabel))
        assert any(f"'{spelled}" in str(n) for n in data.objects(node, SKOS.editorialNote))


def test_descriptions_give_no_gender_the_documents_do_not(data):
    # No document gives anyone's gender: "Georg och Yvonne berättade", "en vänersborgare".
    gendered = re.compile(r"\b(she|he|her|his|him|hon|han|hennes|hans|honom|a man|en man)\b", re.IGNORECASE)
    found = [(str(s).removeprefix(ID), o.language) for s, o in data.subject_objects(DCTERMS.description)
             if gendered.search(str(o))]
    assert found == []


def test_swedish_descriptions_use_the_documents_words(data):
    # 003: "miljö, krishantering, musik" (crisis management, not "krisberedskap", preparedness)
    omaruru = next(str(o) for o in data.objects(iri("partnership", "vanersborg-omaruru"), DCTERMS.description)
                   if o.language == "sv")
    assert "krishantering" in omaruru and "krisberedskap" not in omaruru
    # 004: Karin Norlin Bogren is "programchef på KP": programme manager, not director
    meeting = next(o for o in data.objects(iri("event", "herrljunga-concluding-meeting"), DCTERMS.description)
                   if o.language == "en")
    assert "programme manager" in meeting
