"""The analysts' named queries (queries/*.rq) on the shipped data.

The expectations below were derived by reading the five source documents in
../shared/seeds/ (cited by file name and passage above each one), not by running the queries.
Where the data says more or something else than a document, the expectation follows the
document and the test fails: that is a finding for the data, not a reason to change the test.
"""
from __future__ import annotations

import pytest

from partnergraph.named_queries import ParameterError

ID = "https://w3id.org/partnergraph/id/"
SDG = "http://metadata.un.org/sdg/"
DOC000 = ID + "source/000_3db2f6b1717fd080"
DOC001 = ID + "source/001_60f0cfa81e0e7641"


def mun(slug: str) -> str:
    return f"{ID}municipality/{slug}"


def proj(slug: str) -> str:
    return f"{ID}project/{slug}"


def ps(slug: str) -> str:
    return f"{ID}partnership/{slug}"


def concept(slug: str) -> str:
    return f"{ID}concept/{slug}"


def goal(n: int) -> str:
    return f"{SDG}{n}"


def rows(graph, name, **params):
    return graph.query(name, **params).rows()


# The projects the documents describe in doc 000 (Växjö's project listings), by IRI. Used to
# restrict answers to what doc 000 states where other documents add projects.
DOC000_PROJECTS = {
    proj("vushtrri-workforce-skills-gaps"), proj("vushtrri-municipal-archives"),
    proj("fostering-inclusive-leadership-and-governance"), proj("efficient-and-responsive-traffic-planning"),
    proj("energy-plan-agenda-2030"), proj("sustainable-water-management-blue-vietnam"),
    proj("public-skills-training"), proj("sustainability-education-preschool-primary-school"),
    proj("sekos-2"), proj("mis-project"), proj("vaxjo-vushtrri-previous-icld-project"),
}


###########################################################################################
# (a) every named query runs with its defaults, and its text is valid with parameters unbound
###########################################################################################

def _query_names():
    from pathlib import Path

    from partnergraph.named_queries import load_queries
    return sorted(load_queries(Path(__file__).resolve().parent.parent / "queries"))


QUERY_NAMES = _query_names()


def test_there_are_enough_named_queries():
    assert len(QUERY_NAMES) >= 18


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_named_query_runs_with_defaults(graph, name):
    query = graph.queries[name]
    assert query.title and query.description
    result = graph.query(name)
    if result.kind == "graph":  # CONSTRUCT queries (the SKOS mapping): a graph with triples
        assert len(result.to_graph()) > 0
        return
    assert result.kind == "results"
    assert result.variables
    for param in query.parameters:
        # pyoxigraph substitutes only variables that are projected: every parameter is a column
        assert param.name in result.variables
        # a parameter's value is never pasted into the query text
        body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
        if param.default and param.type in ("iri",):
            assert param.default not in body
    result.to_dataframe()


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_named_query_is_valid_with_parameters_unbound(graph, name):
    graph.query(graph.queries[name].text)  # raw text, no bindings: must parse and evaluate


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_named_query_output_is_stable(graph, name):
    if graph.query(name).kind == "graph":  # a CONSTRUCT: the same graph each time, order is moot
        from rdflib.compare import isomorphic
        assert isomorphic(graph.query(name).to_graph(), graph.query(name).to_graph())
        return
    assert rows(graph, name) == rows(graph, name)
    assert "ORDER BY" in graph.queries[name].text


###########################################################################################
# (b) answers on the shipped data against the documents
###########################################################################################

def test_partnerships_of_vaxjo(graph):
    result = rows(graph, "partnerships-of-municipality")
    abroad = {r["partner"] for r in result if r.get("country") != ID + "country/sweden"}
    # 000: "Växjö and Vushtrri, Kosovo", "Växjö and Kalush", "Växjö and JB Marks, South Africa",
    # "Växjö and An Giang, Vietnam" -- Växjö's four partners abroad.
    assert abroad == {mun("vushtrri"), mun("kalush"), mun("jb-marks"), mun("an-giang")}
    by_partner = {r["partner"]: r for r in result}
    # 000: "The partners have been cooperating since 2013" (Vushtrri)
    assert by_partner[mun("vushtrri")]["startYear"] == 2013
    # 001: "The partnership between the City of Växjö, Region Kronoberg and JB Marks Local
    # Municipality started already in 2005/2006" (the earlier year)
    assert by_partner[mun("jb-marks")]["startYear"] == 2005
    # 001: the three formal partners are the City of Växjö, Region Kronoberg and JB Marks
    assert ID + "region/kronoberg" in by_partner
    assert by_partner[ID + "region/kronoberg"]["partnership"] == by_partner[mun("jb-marks")]["partnership"]
    # 000: "Since 2010, An Giang province in Vietnam and Växjö municipality in Sweden have implemented..."
    assert by_partner[mun("an-giang")]["startYear"] == 2010
    # 000: Kalush's entry gives no year
    assert by_partner[mun("kalush")].get("startYear") is None
    # 000: "Växjö and Vushtrri, Kosovo"; "Växjö and JB Marks, South Africa"; "Växjö and An Giang, Vietnam"
    assert by_partner[mun("vushtrri")]["countryLabel"] == "Kosovo"
    assert by_partner[mun("jb-marks")]["countryLabel"] == "South Africa"
    assert by_partner[mun("an-giang")]["countryLabel"] == "Vietnam"


def test_partnerships_of_vanersborg(graph):
    result = rows(graph, "partnerships-of-municipality", municipality=mun("vanersborg"))
    years = {r["partnerLabel"]: r["startYear"] for r in result}
    # 003: "en avsiktsförklaring om partnerskap undertecknades 2001" (Omaruru) and
    # "Sedan 2012 finns ett partnerskapsavtal också mellan Vänersborg och Chobe District Council"
    assert years == {"Omaruru": 2001, "Chobe District Council": 2012}
    # rows ordered by start year
    assert [r["startYear"] for r in result] == [2001, 2012]


def test_labels_follow_the_lang_parameter(graph):
    result = rows(graph, "partnerships-of-municipality", lang="sv")
    countries = {r["countryLabel"] for r in result}
    # 000 names South Africa; in Swedish it is Sydafrika
    assert "Sydafrika" in countries and "South Africa" not in countries
    # a language no label has falls back to some label rather than to nothing
    result = rows(graph, "partnerships-of-municipality", lang="fr")
    assert all(r["partnerLabel"] and r["partnershipLabel"] for r in result)


def test_projects_by_sdg_4(graph):
    result = rows(graph, "projects-by-sdg", sdg="4")
    # 000: listings with "4 - Quality education" under Sustainable Development Goals: the
    # Vushtrri skills-gaps project ("4 - Quality education8 - Decent work..."), "Sustainability
    # education in preschool/primary school" and "SEKOS 2, Social Entrepreneurship" -- three.
    assert {r["project"] for r in result} == {
        proj("vushtrri-workforce-skills-gaps"),
        proj("sustainability-education-preschool-primary-school"),
        proj("sekos-2"),
    }
    assert len(result) == 3


def test_sdg_project_counts(graph):
    result = rows(graph, "sdg-project-counts")
    counts = {r["number"]: r["projects"] for r in result}
    # data/sdg-goals.ttl holds the 17 goals; every one is listed, zeros included
    assert sorted(counts) == list(range(1, 18))
    # 000, counting the goals of each listing: 4 (skills gaps, sustainability education, SEKOS 2),
    # 6 (Blue Vietnam), 7 (energy plan), 8 (skills gaps, public skills training), 10 (Kalush),
    # 11 (traffic planning), 16 (Kalush, archives), 17 (traffic planning, archives)
    expected = {4: 3, 6: 1, 7: 1, 8: 2, 10: 1, 11: 1, 16: 2, 17: 2}
    assert counts == {n: expected.get(n, 0) for n in range(1, 18)}
    # ordered by count, most first
    assert [r["projects"] for r in result] == sorted((r["projects"] for r in result), reverse=True)


def test_goals_without_projects(graph):
    # 000: the goals listed are 4, 6, 7, 8, 10, 11, 16 and 17; no other document gives SDGs
    assert [r["number"] for r in rows(graph, "goals-without-projects")] == [1, 2, 3, 5, 9, 12, 13, 14, 15]


def test_projects_active_in_2020(graph):
    result = rows(graph, "projects-active-in-year", year=2020)
    assert {r["project"] for r in result} == {
        # 000: "a two-year project (2019-2020)" (energy plan)
        proj("energy-plan-agenda-2030"),
        # 000: "This three-year long (2019-2021) project" (Blue Vietnam)
        proj("sustainable-water-management-blue-vietnam"),
        # 000: "The three-year proposal (2019-2021)" (public skills training)
        proj("public-skills-training"),
        # 000: "The purpose of the three-year project (2019-2021)" (sustainability education)
        proj("sustainability-education-preschool-primary-school"),
        # 000: "implemented during three years (2018-2020)" (SEKOS 2)
        proj("sekos-2"),
        # 002: "Projektet genomförs under perioden 3 augusti 2020 till och med 31 december 2022" (SPiK)
        proj("spik"),
    }
    # 000: SEKOS 2 (2018-2020) is not active in 2021; the energy plan ended 2020
    later = {r["project"] for r in rows(graph, "projects-active-in-year", year="2021")}
    assert proj("sekos-2") not in later and proj("energy-plan-agenda-2030") not in later


def test_partner_countries_and_continents(graph):
    result = {r["countryLabel"]: r for r in rows(graph, "partner-countries")}
    # 000 (Kalush, listed with its war-strained services), 004 ("Kamjanets-Podilskyj, Ukraina"):
    # two partnerships with a Ukrainian partner
    assert result["Ukraine"]["partnerships"] == 2
    # 000: Kosovo, South Africa, Vietnam; 003: Namibia, Botswana; 004: Litauen, Indonesien,
    # "den kinesiska staden Hangzhou" -- one partnership each
    for country in ("Kosovo", "South Africa", "Vietnam", "Namibia", "Botswana", "Lithuania", "Indonesia", "China"):
        assert result[country]["partnerships"] == 1, country
    # Georgia: 004 names Tbilisi ("Tblisi") but no country; Tbilisi is Georgia's capital
    assert result["Georgia"]["partnerships"] == 1
    assert "Sweden" not in result
    for country in ("South Africa", "Namibia", "Botswana"):
        assert result[country]["continentLabel"] == "Africa"
    for country in ("Kosovo", "Ukraine", "Lithuania"):
        assert result[country]["continentLabel"] == "Europe"
    for country in ("Vietnam", "Indonesia", "China"):
        assert result[country]["continentLabel"] == "Asia"


def test_projects_by_project_area(graph):
    result = rows(graph, "projects-by-project-area")
    areas: dict[str, set] = {}
    for r in result:
        if r["project"] in DOC000_PROJECTS:
            areas.setdefault(r["areaLabel"], set()).add(r["project"])
    # 000, the "Project Area" line of each listing
    assert areas == {
        "Local economic development, innovation and livelihoods":
            {proj("vushtrri-workforce-skills-gaps"), proj("public-skills-training")},
        "Inclusive leadership and governance":
            {proj("fostering-inclusive-leadership-and-governance"), proj("vushtrri-municipal-archives")},
        "Urban planning": {proj("efficient-and-responsive-traffic-planning")},
        "Environment/Climate change": {proj("energy-plan-agenda-2030")},
        "Technical Services and Infrastructure": {proj("sustainable-water-management-blue-vietnam")},
        # 000: "Project: Sustainability education in preschool/primary school ... Project Area
        # Education" and "Project: SEKOS 2, Social Entrepreneurship ... Project Area Education".
        # The MIS-project is only mentioned ("the previously executed MIS-project which focused on
        # environmental education in school"); 000 gives it no project area.
        "Education": {proj("sustainability-education-preschool-primary-school"), proj("sekos-2")},
    }


def test_projects_by_topic(graph):
    result = rows(graph, "projects-by-topic")
    topics: dict[str, set] = {}
    for r in result:
        if r["project"] in DOC000_PROJECTS:
            topics.setdefault(r["topicLabel"], set()).add(r["project"])
    # 000, the "Topic" lines: Kalush "Child rights and youth participation"; traffic planning
    # "Participatory democracy, citizen dialogues and budgeting"; archives "Digitalisation and
    # e-governanceParticipatory democracy, citizen dialogues and budgeting"
    assert topics == {
        "Child rights and youth participation": {proj("fostering-inclusive-leadership-and-governance")},
        "Participatory democracy, citizen dialogues and budgeting":
            {proj("efficient-and-responsive-traffic-planning"), proj("vushtrri-municipal-archives")},
        "Digitalisation and e-governance": {proj("vushtrri-municipal-archives")},
    }


def test_timeline_of_vaxjo_jb_marks(graph):
    result = rows(graph, "partnership-timeline")
    items = {r["item"]: r for r in result}
    # 001: "started already in 2005/2006"
    assert result[0]["kind"] == "partnership" and result[0]["year"] == 2005
    # 000: "Development of an Energy Plan in Line with Agenda 2030" (2019-2020), "Public skills
    # training ..." (2019-2021), "Efficient and Responsive Traffic Planning" (three years, no dates)
    energy_plan = items[proj("energy-plan-agenda-2030")]
    assert (energy_plan["startYear"], energy_plan["endYear"]) == (2019, 2020)
    assert (items[proj("public-skills-training")]["startYear"], items[proj("public-skills-training")]["endYear"]) == (2019, 2021)
    assert proj("efficient-and-responsive-traffic-planning") in items
    # 001, dated "30 January 2018": PLATFORMA's shortlist of twelve projects, this one among them.
    # The text is dated, the shortlisting is not ("Twelve projects have been shortlisted"), so the
    # event is on the timeline without a year.
    assert "year" not in items[ID + "event/platforma-award-shortlist-2018"]
    # ordered by year, undated items last
    years = [r.get("year") for r in result]
    dated = [y for y in years if y is not None]
    assert dated == sorted(dated) and years[:len(dated)] == dated


def test_networks_of_vaxjo(graph):
    result = rows(graph, "networks-of-municipality")
    networks = {r["networkLabel"] for r in result}
    # 002, "Internationella nätverk": Organic Cities Network Europe, Energy-Cities, Mayors Adapt,
    # Borgmästaravtalet (Covenant of Mayors), ICLEI, Union of the Baltic Cities - UBC, REVES
    assert networks == {"Organic Cities Network Europe", "Energy-Cities", "Mayors Adapt", "Covenant of Mayors",
                        "ICLEI – Local Governments for Sustainability", "Union of the Baltic Cities", "REVES"}
    roles = {(r["network"].rsplit("/", 1)[-1], r["roleLabel"]) for r in result}
    # 002: "Växjö kommun har varit med och grundat nätverket" (Organic Cities)
    assert ("organic-cities-network-europe", "Founder") in roles
    # 002: "representerade i styrelsen genom kommunfullmäktiges ordförande Bo Frank (M) som vice president"
    assert ("energy-cities", "Vice president") in roles and ("energy-cities", "Board member") in roles
    # 002: "Växjö kommun har en styrelseledamot, Cheryl Jones Fur (MP) som valdes in februari 2019" (ICLEI)
    assert ("iclei", "Board member") in roles
    reps = {r["network"].rsplit("/", 1)[-1]: r["representativeLabel"] for r in result if r.get("representativeLabel")}
    # 002: "Magnus P Wåhlin (MP), är Växjö kommuns representant i nätverket"; Bo Frank; Cheryl Jones Fur
    assert reps == {"organic-cities-network-europe": "Magnus P Wåhlin", "energy-cities": "Bo Frank",
                    "iclei": "Cheryl Jones Fur"}
    years = {(r["network"].rsplit("/", 1)[-1], r.get("startYear"), r.get("endYear")) for r in result}
    # 002: "Augusti 2014 gick Växjö med" (Mayors Adapt); "Växjö kommun skrev 2008 under Covenant of
    # Mayors"; "Växjö är representerade i UBC:s styrelse 2017-2019"; ICLEI board from 2019
    assert ("mayors-adapt", 2014, None) in years
    assert ("covenant-of-mayors", 2008, None) in years
    assert ("ubc", 2017, 2019) in years
    assert ("iclei", 2019, None) in years


def test_participating_organisations(graph):
    result = rows(graph, "participating-organisations")
    pairs = {(r["organisationLabel"], r["relation"], r["activity"]) for r in result}
    expected = {
        # 000: "based on the municipal partnership between Växjö Energi, Växjö municipality ... and JB Marks"
        ("Växjö Energi", "participant", proj("energy-plan-agenda-2030")),
        # 000: "processed by participants and experts at the Linnaeus University" (SEKOS 2)
        ("Linnaeus University", "participant", proj("sekos-2")),
        # 002: SPiK "finansieras med stöd från Europeiska socialfonden (ESF)"; "Samverkande parter ...
        # Arbetsförmedlingen, Försäkringskassan och Samordningsförbundet Värend"
        ("European Social Fund", "funded by", proj("spik")),
        ("Arbetsförmedlingen", "participant", proj("spik")),
        ("Försäkringskassan", "participant", proj("spik")),
        ("Samordningsförbundet Värend", "participant", proj("spik")),
        # 002: Etableringssamverkan Kronoberg 2 "mellan Arbetsförmedlingen och kommunerna", "finansieras
        # av Europeiska Socialfonden (ESF)"
        ("European Social Fund", "funded by", proj("etableringssamverkan-kronoberg-2")),
        ("Arbetsförmedlingen", "participant", proj("etableringssamverkan-kronoberg-2")),
        # 002: "finansieras av §37-medel från Länsstyrelsen i Kronoberg" (samhällsorientering)
        ("Länsstyrelsen i Kronoberg", "funded by", proj("en-samordnad-samhallsorientering")),
        # 001: "one of the oldest and most comprehensive ICLD funded program in Sweden"
        ("ICLD – Swedish International Centre for Local Democracy", "funded by", ps("vaxjo-jb-marks")),
    }
    assert expected <= pairs
    # no municipality, region or person is listed as an organisation
    assert not any(r["organisation"].startswith((ID + "municipality/", ID + "region/", ID + "person/")) for r in result)


def test_projects_building_on_earlier(graph):
    result = {(r["project"], r["earlier"]) for r in rows(graph, "projects-building-on-earlier")}
    # 000: "The project builds on the previously executed MIS-project" (sustainability education) and
    # "The project builds on a previous ICLD project (ended 2017)" (SEKOS 2). 004 says of Lund and
    # Hangzhou only that applications "sedan dess" (since the 2010 Förberedelse) were not granted,
    # not that they build on it.
    assert result == {
        (proj("sustainability-education-preschool-primary-school"), proj("mis-project")),
        (proj("sekos-2"), proj("vaxjo-vushtrri-previous-icld-project")),
    }


def test_target_groups(graph):
    groups: dict[str, set] = {}
    for r in rows(graph, "target-groups"):
        groups.setdefault(r["project"], set()).add(r["targetGroup"])
    # 000: "Women, children, and families from low-income families are the main target groups of the project"
    assert {concept("target-women"), concept("target-children"), concept("target-low-income-families")} \
        <= groups[proj("efficient-and-responsive-traffic-planning")]
    # 000: "three key beneficiary groups: citizens in rural areas, ethnic minorities, and students/researchers"
    assert groups[proj("vushtrri-municipal-archives")] == {
        concept("target-rural-citizens"), concept("target-ethnic-minorities"), concept("target-students-and-researchers")}
    # 002: Etableringssamverkan: "Målgruppen är nyanlända ... Särskilt fokus läggs på kvinnor i målgruppen"
    assert groups[proj("etableringssamverkan-kronoberg-2")] == {concept("target-newly-arrived"), concept("target-women")}


def test_paused_rejected_proposed(graph):
    result = {(r["resource"], r["status"]) for r in rows(graph, "paused-rejected-proposed")}
    assert result == {
        # 003: "Projektet kallas ECOWAMA36 ... genomförandet är pausat sedan Covid-19 pandemin brutit ut"
        (proj("ecowama36"), concept("status-paused")),
        # 004: "Sedan dess har parterna lämnat in ansökningar som inte beviljats" (Lund–Hangzhou)
        (proj("lund-hangzhou-applications"), concept("status-not-granted")),
        # 000: "The new project, submitted 2024 aims to address skill gaps in Vushtrri"
        (proj("vushtrri-workforce-skills-gaps"), concept("status-proposed")),
        # 004: "Ekerö kommun söker just nu en samarbetskommun i ett av ICLDs samarbetsländer"
        (mun("ekero"), concept("status-seeking-partner")),
    }


def test_who_met_whom_at_harryda(graph):
    result = [r for r in rows(graph, "event-participants") if r["event"] == ID + "event/harryda-network-meeting"]
    participants = {r["agent"] for r in result if r["role"] == "participant"}
    # 004: "Utöver Härryda kommun deltog kommunerna Vänersborg, Borås, Alingsås, Skövde, Mölndal, Ale
    # samt två handläggare från KP."
    assert {a for a in participants if a.startswith(ID + "municipality/")} == {
        mun("harryda"), mun("vanersborg"), mun("boras"), mun("alingsas"), mun("skovde"), mun("molndal"), mun("ale")}
    assert ID + "organisation/icld" in participants
    # 004: "Nina Wallgren, utvecklingssamordnare Härryda kommun, anordnade i juni en nätverksträff"
    assert ID + "person/nina-wallgren" in {r["agent"] for r in result if r["role"] == "organiser"}
    # 004: "Härryda – 20 juni" (no year)
    assert {r["date"] for r in result} == {"--06-20"}
    assert {r["placeLabel"] for r in result} == {"Härryda"}


def test_who_met_whom_in_lund_and_herrljunga(graph):
    result = rows(graph, "event-participants")
    people = lambda event: {r["agentLabel"] for r in result if r["event"] == ID + f"event/{event}" and r["agentKind"] == "person"}  # noqa: E731
    # 004: "I Lund mötte KP-delegationen Georg Heuwing, internationell sekreterare, och Yvonne Brogaard Nelson"
    assert people("lund-visit") == {"Georg Heuwing", "Yvonne Brogaard Nelson"}
    # 004: "Karin Norlin Bogren, programchef på KP, deltod i det avslutande mötet mellan de tre parterna"
    assert people("herrljunga-concluding-meeting") == {"Karin Norlin Bogren"}


def test_sources_of_facts_about_a_resource(graph):
    result = rows(graph, "facts-about-resource", resource=ps("vaxjo-jb-marks"))
    # 000 (the JB Marks project listings) and 001 (the PLATFORMA text) both describe this partnership
    assert {r["source"] for r in result} == {DOC000, DOC001}
    graphs = {r["graph"] for r in result}
    assert "https://w3id.org/partnergraph/graph/partnerships" in graphs
    # every triple is given with the named graph it is in
    assert all(r["graph"] for r in result)
    start = [r for r in result if r["property"].endswith("#startYear")]
    # 001: "started already in 2005/2006"
    assert [r["value"] for r in start] == ["2005", "2005"]  # one row per source document
    # default resource: SEKOS 2, from 000 only
    assert {r["source"] for r in rows(graph, "facts-about-resource")} == {DOC000}


def test_data_gaps(graph):
    result = [r for r in rows(graph, "data-gaps") if r["gap"] != "place without coordinates"]  # test_geonames.py
    # modelling.md: every resource has an @en and an @sv label
    assert not [r for r in result if r["gap"] != "project without a period"]
    # projects whose documents give neither years nor a length: 000 archives ("approved ... 2023",
    # no period), skills gaps ("submitted 2024", no period), the MIS-project ("previously executed"),
    # Kalush ("Area of Cooperation", no years); 004 Lund's applications "som inte beviljats",
    # Ekerö's "Öar utan gränser". 004 names no project of Herrljunga's trilateral cooperation
    # ("Herrljunga har sedan 2013 ett trepartssamarbete"), so there is none to list.
    assert {r["resource"] for r in result} == {
        proj("vushtrri-municipal-archives"), proj("vushtrri-workforce-skills-gaps"), proj("mis-project"),
        proj("fostering-inclusive-leadership-and-governance"),
        proj("lund-hangzhou-applications"), proj("oar-utan-granser"),
    }


def test_figures(graph):
    result = [r for r in rows(graph, "figures") if r["resource"] == ps("vaxjo-jb-marks")]
    values = {(r.get("value"), r.get("minValue"), r.get("maxValue")) for r in result}
    # 001: "it has resulted in 38 joint projects and pre-studies"; "some 100 international visits";
    # "with totally 600-650 project delegates going"; "From 12 years, there are several 'hard outputs'"
    assert values == {(38, None, None), (100, None, None), (None, 600, 650), (12, None, None)}
    figures = {(r["resource"], r.get("value"), r.get("minValue")) for r in rows(graph, "figures")}
    # 000: "The project consists of ten activities" (energy plan); "consists of 15 activities"
    # (public skills training); "a total of 12 participants"; "(at least) 100 upper-secondary student"
    assert (proj("energy-plan-agenda-2030"), 10, None) in figures
    assert (proj("public-skills-training"), 15, None) in figures
    assert (proj("sustainability-education-preschool-primary-school"), 12, None) in figures
    assert (proj("sekos-2"), None, 100) in figures
    # 001: "Twelve projects have been shortlisted out of 25 applications"
    assert (ID + "event/platforma-award-shortlist-2018", 12, None) in figures
    assert (ID + "event/platforma-award-shortlist-2018", 25, None) in figures


def test_people_and_roles(graph):
    result = rows(graph, "people-and-roles", lang="sv")
    people = {r["personLabel"]: r for r in result}
    # 000: "Ida Lidholt, vattenstrateg och Ingrid Palmblad Örlander, utredningsingenjör på Växjö kommun"
    assert people["Ida Lidholt"]["jobTitle"] == "vattenstrateg"
    assert people["Ida Lidholt"]["affiliation"] == mun("vaxjo")
    assert people["Ingrid Palmblad Örlander"]["jobTitle"] == "utredningsingenjör"
    # 004: "Nina Wallgren, utvecklingssamordnare Härryda kommun"
    assert people["Nina Wallgren"]["jobTitle"] == "utvecklingssamordnare"
    assert people["Nina Wallgren"]["affiliation"] == mun("harryda")
    involvements = {(r["personLabel"], r.get("involvement"), r.get("activity")) for r in result}
    # 004: Nina Wallgren "anordnade ... en nätverksträff"
    assert ("Nina Wallgren", "organiser", ID + "event/harryda-network-meeting") in involvements
    # 002: Bo Frank represents Växjö in Energy-Cities' board
    assert ("Bo Frank", "representative", ID + "membership/vaxjo-energy-cities") in involvements
    # 004: "Ulrika Henriksson, utvecklingsledare i internationella frågor" in Skövde
    assert people["Ulrika Henriksson"]["affiliation"] == mun("skovde")


def test_municipalities_seeking_or_not_active(graph):
    result = rows(graph, "municipalities-seeking-or-not-active")
    statuses: dict[str, set] = {}
    for r in result:
        statuses.setdefault(r["municipality"], set()).add(r["status"])
    # 004: "Ekerö kommun är idag inte aktiva inom programmet" and "söker just nu en samarbetskommun";
    # "De speciellt inbjudna kommunerna som idag inte är aktiva inom programmet, Karlstads, Lerums,
    # Lund och Trollhättan"
    assert statuses == {
        mun("ekero"): {concept("status-not-active-in-programme"), concept("status-seeking-partner")},
        mun("karlstad"): {concept("status-not-active-in-programme")},
        mun("lerum"): {concept("status-not-active-in-programme")},
        mun("lund"): {concept("status-not-active-in-programme")},
        mun("trollhattan"): {concept("status-not-active-in-programme")},
    }


def test_sdg_co_occurrence(graph):
    result = {(r["number1"], r["number2"]): r["projects"] for r in rows(graph, "sdg-co-occurrence")}
    # 000: listings with two goals: skills gaps 4+8, Kalush 10+16, traffic planning 11+17, archives 16+17
    assert result == {(4, 8): 1, (10, 16): 1, (11, 17): 1, (16, 17): 1}


def test_sdg_coverage_by_municipality(graph):
    result = rows(graph, "sdg-coverage-by-municipality")
    coverage = {(r["municipality"], r["number"]): r["projects"] for r in result}
    # Only 000 gives SDGs, all for Växjö's projects; counts as in test_sdg_project_counts
    assert coverage == {(mun("vaxjo"), n): c for n, c in {4: 3, 6: 1, 7: 1, 8: 2, 10: 1, 11: 1, 16: 2, 17: 2}.items()}


def test_search_labels(graph):
    result = rows(graph, "search-labels", text="ECOWAMA")
    # 003: "Projektet kallas ECOWAMA36"
    assert [r["resource"] for r in result] == [proj("ecowama36")]


###########################################################################################
# (c) parameters cannot inject query text
###########################################################################################

HOSTILE_IRIS = [
    "https://w3id.org/partnergraph/id/municipality/vaxjo> } ; DROP ALL #",
    "https://w3id.org/partnergraph/id/municipality/vaxjo>} UNION { ?s ?p ?o",
    "https://example.org/x\" } #",
]


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_hostile_iri_is_refused(graph, value):
    with pytest.raises(ParameterError):
        graph.query("partnerships-of-municipality", municipality=value)
    with pytest.raises(ParameterError):
        graph.query("facts-about-resource", resource=value)


@pytest.mark.parametrize("value", ["2020) || true || (", "2020 || true", "20201", "1=1", "2020\"}"])
def test_hostile_year_is_refused(graph, value):
    with pytest.raises(ParameterError):
        graph.query("projects-active-in-year", year=value)


@pytest.mark.parametrize("value", ['en") || true || ("', "en } UNION { ?s ?p ?o }", "*"])
def test_hostile_lang_is_refused(graph, value):
    with pytest.raises(ParameterError):
        graph.query("sdg-project-counts", lang=value)


@pytest.mark.parametrize("value", ["4) || true || (", "4> } #", "18", "http://metadata.un.org/sdg/4> } #"])
def test_hostile_sdg_is_refused(graph, value):
    with pytest.raises(ParameterError):
        graph.query("projects-by-sdg", sdg=value)


@pytest.mark.parametrize("value", [
    'water" ) ) } UNION { ?resource ?p ?o } #',
    "water' } ; DROP ALL ; { '",
    '"}}} SELECT * WHERE { ?s ?p ?o } #',
])
def test_hostile_string_is_only_a_string(graph, value):
    before = graph.graph_sizes()
    result = rows(graph, "search-labels", text=value)
    # the value is a literal: no label contains it, so nothing comes back; nothing was dropped
    assert result == []
    assert graph.graph_sizes() == before


def test_unknown_parameter_is_refused(graph):
    with pytest.raises(ParameterError):
        graph.query("sdg-project-counts", municipality=mun("vaxjo"))


###########################################################################################
# (d) the https:// form of a UN SDG IRI means the same goal
###########################################################################################

@pytest.mark.parametrize("name", ["projects-by-sdg"])
def test_https_sdg_iri_gives_the_same_answer(graph, name):
    http = rows(graph, name, sdg="http://metadata.un.org/sdg/4")
    https = rows(graph, name, sdg="https://metadata.un.org/sdg/4")
    assert http == https == rows(graph, name, sdg="4")
    assert http  # not trivially equal
    for n in (6, 16, 17):
        assert rows(graph, name, sdg=f"https://metadata.un.org/sdg/{n}") == rows(graph, name, sdg=f"http://metadata.un.org/sdg/{n}")
